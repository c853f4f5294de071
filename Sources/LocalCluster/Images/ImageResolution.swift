/// The outcome of resolving a container against the image catalog.
public enum ImageResolution: Sendable, Equatable {
    /// Run this program.
    case runnable(ResolvedProgram)
    /// Keep the container waiting with this reason and message.
    case notRunnable(ImageNotRunnable)

    /// The program, when runnable.
    public var program: ResolvedProgram? {
        if case .runnable(let program) = self { return program }
        return nil
    }

    /// The reason the container cannot run, when not runnable.
    public var failure: ImageNotRunnable? {
        if case .notRunnable(let failure) = self { return failure }
        return nil
    }
}

/// What the kubelet runs for one container: a host program with its arguments and the environment
/// the image contributes. The kubelet still expands `$(VAR)` references in `argv`, merges the
/// container's own environment over ``environment``, and sets the working directory.
public struct ResolvedProgram: Sendable, Equatable {
    /// Why this program was chosen.
    public enum Source: Sendable, Equatable {
        /// The container's own `command` (with its `args`).
        case containerCommand
        /// A catalog entry (its pattern as written), built in or from the user's `images.yaml`.
        case catalog(pattern: String, builtin: Bool)
        /// The container's `script` (Tekton steps), run by the interpreter its `#!` line names.
        case script
    }

    /// The program and its arguments. `argv[0]` is an absolute path or a name looked up in `PATH`.
    /// For a script, only the interpreter and its options (e.g. `["/bin/bash"]`).
    public var argv: [String]
    /// The script text when the container has a `script`: the kubelet writes it to an executable file
    /// and runs ``commandLine(scriptPath:)``.
    public var script: String?
    /// For a script, the container's `args`, passed after the script file.
    public var scriptArguments: [String]
    /// Environment from the image (catalog entry), to be overridden by the container's `env`.
    public var environment: [String: String]
    /// True for shell images (see ``ImageCatalogEntry/shell``).
    public var shell: Bool
    /// Why this program was chosen.
    public var source: Source

    public init(argv: [String], script: String? = nil, scriptArguments: [String] = [], environment: [String: String] = [:],
                shell: Bool = false, source: Source) {
        self.argv = argv
        self.script = script
        self.scriptArguments = scriptArguments
        self.environment = environment
        self.shell = shell
        self.source = source
    }

    /// The full command line; for a script, the interpreter, the script file, then its arguments.
    public func commandLine(scriptPath: String? = nil) -> [String] {
        guard script != nil, let scriptPath else { return argv }
        return argv + [scriptPath] + scriptArguments
    }
}

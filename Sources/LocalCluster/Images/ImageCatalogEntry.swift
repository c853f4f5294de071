/// One entry of the image catalog: which images it covers and the local program that stands in for
/// them. It models the parts of an image config that decide what runs: `command` is the image's
/// ENTRYPOINT, `args` its CMD, `env` its ENV (see docs/images.md for the file format).
///
/// Strings in `command`, `args` and `env` values may use placeholders, replaced at resolution:
/// `{tack}` (path of the running tack binary), `{tag}` (the image tag, `latest` when none),
/// `{name}` (the familiar repository name, e.g. `argoproj/rollouts-demo`) and `{image}` (the
/// reference as written in the pod). Other braces are left alone.
public struct ImageCatalogEntry: Sendable, Equatable {
    /// Where an entry comes from.
    public enum Origin: Sendable, Equatable {
        /// Built into tack.
        case builtin
        /// Entry number `index` (0-based) of a user's `images.yaml`.
        case user(file: String, index: Int)
    }

    /// The images the entry covers.
    public var pattern: ImagePattern
    /// The image's entrypoint: always run, with the container's `args` (or ``args``) after it.
    public var command: [String]
    /// The image's default arguments, used when the container has no `args`.
    public var args: [String]
    /// Environment the image sets; the container's own `env` wins over it.
    public var environment: [String: String]
    /// A shell image (busybox, alpine, …): its commands are host programs, and `sh` runs bash because
    /// scripts written for busybox or alpine use `[[ ]]`, `==` and `$RANDOM`, which Debian's dash lacks.
    public var shell: Bool
    /// Where the entry comes from.
    public var origin: Origin
    /// The docker-entrypoint convention of images such as `bash` and `curlimages/curl`: when the
    /// container's args are empty or start with `-`, this program is put in front of them
    /// (`args: ["-s", url]` runs `curl -s url`); otherwise the args are the command.
    public var optionProgram: String?

    /// An entry for the images `image` (a pattern, see ``ImagePattern``).
    ///
    /// - Throws: ``ImageReferenceError`` when `image` is not a valid pattern.
    public init(image: String, command: [String] = [], args: [String] = [], environment: [String: String] = [:],
                shell: Bool = false, optionProgram: String? = nil, origin: Origin = .builtin) throws(ImageReferenceError) {
        pattern = try ImagePattern(image)
        self.command = command
        self.args = args
        self.environment = environment
        self.shell = shell
        self.optionProgram = optionProgram
        self.origin = origin
    }

    /// The argv this entry runs for a container with `containerArgs` (no `command` of its own), before
    /// placeholder substitution and shell mapping. Empty when there is nothing to run.
    func argv(containerArgs: [String]) -> [String] {
        if let optionProgram, command.isEmpty, containerArgs.isEmpty || containerArgs[0].hasPrefix("-") {
            return [optionProgram] + containerArgs
        }
        return command + (containerArgs.isEmpty ? args : containerArgs)
    }

    /// Human wording of the origin, for messages.
    var originDescription: String {
        switch origin {
        case .builtin: return "built-in entry \"\(pattern.text)\""
        case .user(let file, let index): return "\(file) entry \(index + 1) (\"\(pattern.text)\")"
        }
    }
}

import Foundation
import KubeModel

/// Maps image references to local programs, for containers that have no `command` of their own.
///
/// The local runtime runs containers as host processes, so an image is only a name: a container with
/// a `command` runs that command on the host; a container without one needs a catalog entry saying
/// which local program stands in for the image (its entrypoint). Entries come from the user's
/// `DIR/images.yaml` (tried first) and from the built-ins (the rollouts demo app and the common shell
/// images). Within each group the most specific pattern wins (see ``ImagePattern``), then file order.
/// An image with neither a command nor an entry resolves to ``ImageNotRunnable``, which the kubelet
/// shows as the container's waiting reason. See docs/images.md.
public struct ImageCatalog: Sendable {
    /// The user's entries, most specific first.
    public let userEntries: [ImageCatalogEntry]
    /// The built-in entries, most specific first.
    public let builtinEntries: [ImageCatalogEntry]
    /// Path of the user's catalog file, named in messages (also when it does not exist yet).
    public let userFile: String
    /// Path of the tack binary, substituted for `{tack}`.
    public let tackExecutable: String
    /// The bash that runs `sh` for shell images.
    public let bashPath: String

    /// A catalog of `userEntries` over `builtinEntries`.
    ///
    /// - Parameters:
    ///   - userFile: where users add entries, for the hint in ``ImageNotRunnable`` messages.
    ///   - tackExecutable: path substituted for `{tack}`; defaults to this process's executable.
    public init(userEntries: [ImageCatalogEntry] = [], builtinEntries: [ImageCatalogEntry] = ImageCatalog.builtins,
                userFile: String = "<data directory>/\(ImageCatalog.fileName)",
                tackExecutable: String = ImageCatalog.currentExecutablePath, bashPath: String = "/bin/bash") {
        self.userEntries = Self.mostSpecificFirst(userEntries)
        self.builtinEntries = Self.mostSpecificFirst(builtinEntries)
        self.userFile = userFile
        self.tackExecutable = tackExecutable
        self.bashPath = bashPath
    }

    /// The entry for `image`: the most specific matching user entry, else the most specific built-in.
    public func entry(for image: ImageReference) -> ImageCatalogEntry? {
        userEntries.first { $0.pattern.matches(image) } ?? builtinEntries.first { $0.pattern.matches(image) }
    }

    /// Decides what runs for `container` (a PodSpec container, or a Tekton step with `script`):
    ///
    /// - with `script`: the interpreter of its `#!` line (`/bin/sh` when none) runs the script file;
    /// - with `command`: the command and `args`, as given;
    /// - otherwise: the catalog entry's command with the container's `args` appended (or the entry's
    ///   default args when the container has none), as a runtime appends args to an image entrypoint.
    ///
    /// For shell images, `sh` (and `ash`, `bash`, wherever their path) runs ``bashPath``.
    public func resolve(container: JSON) -> ImageResolution {
        let containerName = container["name"]?.stringValue ?? ""
        let imageText = container["image"]?.stringValue ?? ""
        let command = Self.strings(container["command"])
        let args = Self.strings(container["args"])
        let script = container["script"]?.stringValue.flatMap { $0.isEmpty ? nil : $0 }

        var reference: ImageReference?
        if !imageText.isEmpty {
            do {
                reference = try ImageReference(parsing: imageText)
            } catch {
                return .notRunnable(ImageNotRunnable(reason: ImageNotRunnable.invalidImageName,
                                                     message: "Failed to apply default image tag \"\(imageText)\": \(error)"))
            }
        }
        let entry = reference.flatMap { self.entry(for: $0) }.map { substituted($0, image: imageText, reference: reference) }
        let shell = entry?.shell ?? false
        let environment = entry?.environment ?? [:]

        if let script {
            return .runnable(ResolvedProgram(argv: scriptInterpreter(for: script, shell: shell), script: script, scriptArguments: args,
                                             environment: environment, shell: shell, source: .script))
        }
        if !command.isEmpty {
            return .runnable(ResolvedProgram(argv: mapShell(command + args, shell: shell), environment: environment, shell: shell,
                                             source: .containerCommand))
        }
        guard let reference else {
            return .notRunnable(ImageNotRunnable(reason: ImageNotRunnable.imageNotRunnable,
                                                 message: "container \"\(containerName)\" has no image and no command"))
        }
        guard let entry else {
            return .notRunnable(ImageNotRunnable(reason: ImageNotRunnable.imageNotRunnable, message: missingEntryMessage(imageText, reference)))
        }
        let argv = entry.argv(containerArgs: args)
        guard !argv.isEmpty else {
            return .notRunnable(ImageNotRunnable(
                reason: ImageNotRunnable.imageNotRunnable,
                message: "image \"\(imageText)\" matches \(entry.originDescription), which has no command or args, and the container has no command: "
                    + "add a command to the entry or to the container"))
        }
        let builtin = entry.origin == .builtin
        return .runnable(ResolvedProgram(argv: mapShell(argv, shell: shell), environment: environment, shell: shell,
                                         source: .catalog(pattern: entry.pattern.text, builtin: builtin)))
    }

    /// The interpreter argv for a script: the words of its `#!` line, or `/bin/sh` when it has none
    /// (as Tekton runs scripts); `sh` becomes bash for shell images.
    public func scriptInterpreter(for script: String, shell: Bool) -> [String] {
        var interpreter = ["/bin/sh"]
        if script.hasPrefix("#!") {
            let line = script.dropFirst(2).prefix { $0 != "\n" && $0 != "\r" }
            let words = line.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
            if !words.isEmpty { interpreter = words }
        }
        return mapShell(interpreter, shell: shell)
    }

    /// For shell images, replaces a leading `sh`/`ash`/`bash` (any directory) with ``bashPath``.
    func mapShell(_ argv: [String], shell: Bool) -> [String] {
        guard shell, let first = argv.first else { return argv }
        let base = first.split(separator: "/").last.map(String.init) ?? first
        guard ["sh", "ash", "bash"].contains(base) else { return argv }
        return [bashPath] + argv.dropFirst()
    }

    /// The entry with `{tack}`, `{tag}`, `{name}` and `{image}` replaced in its command, args and env.
    func substituted(_ entry: ImageCatalogEntry, image: String, reference: ImageReference?) -> ImageCatalogEntry {
        let values = ["{tack}": tackExecutable, "{tag}": reference?.effectiveTag ?? "latest",
                      "{name}": reference?.familiarName ?? image, "{image}": image]
        func replace(_ text: String) -> String {
            guard text.contains("{") else { return text }
            var result = text
            for (placeholder, value) in values { result = result.replacingOccurrences(of: placeholder, with: value) }
            return result
        }
        var entry = entry
        entry.command = entry.command.map(replace)
        entry.args = entry.args.map(replace)
        entry.environment = entry.environment.mapValues(replace)
        return entry
    }

    func missingEntryMessage(_ image: String, _ reference: ImageReference) -> String {
        "image \"\(image)\" has no command and no catalog entry: add one to \(userFile), e.g. "
            + "- {image: \"\(reference.familiarName):*\", command: [\"/path/to/program\", \"--flag\"]} "
            + "(see docs/images.md), or give the container a command"
    }

    static func strings(_ value: JSON?) -> [String] {
        value?.arrayValue?.compactMap(\.stringValue) ?? []
    }

    static func mostSpecificFirst(_ entries: [ImageCatalogEntry]) -> [ImageCatalogEntry] {
        // Stable: equally specific patterns keep their file order.
        entries.enumerated().sorted { a, b in
            if a.element.pattern.isMoreSpecific(than: b.element.pattern) { return true }
            if b.element.pattern.isMoreSpecific(than: a.element.pattern) { return false }
            return a.offset < b.offset
        }.map(\.element)
    }

    /// The path of the running executable (`/proc/self/exe` on Linux), substituted for `{tack}`.
    public static var currentExecutablePath: String {
        #if os(Linux)
        if let path = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe") { return path }
        #endif
        if let path = Bundle.main.executablePath { return path }
        return CommandLine.arguments.first ?? "tack"
    }
}

extension ImageCatalog {
    /// The built-in entries:
    ///
    /// - `argoproj/rollouts-demo` (any tag): tack's own demo server, `{tack} __rollouts-demo --color {tag}`
    ///   (tags `bad-<colour>` and `slow-<colour>` behave as upstream's high-error and high-latency images);
    /// - shell images whose commands run on the host, with `sh` run by bash: `busybox` (default `sh`),
    ///   `alpine` (default `/bin/sh`), `bash` and `curlimages/curl` (docker-entrypoint style: args that
    ///   start with `-` go to `bash`/`curl`), and `alpine/git` (entrypoint `git`).
    ///
    /// Deliberately absent: `nginx` and other servers. The host's nginx, started with its packaged
    /// configuration, daemonises, binds `0.0.0.0:80` and writes pid and log files outside the pod, so
    /// it cannot stand in for the image; such images resolve to ``ImageNotRunnable`` until the user
    /// adds an entry (docs/images.md shows one).
    public static let builtins: [ImageCatalogEntry] = {
        func entry(_ image: String, command: [String] = [], args: [String] = [], shell: Bool = false,
                   optionProgram: String? = nil) -> ImageCatalogEntry {
            // The patterns are literals checked by the tests; a failure here is a programming error.
            guard let entry = try? ImageCatalogEntry(image: image, command: command, args: args, shell: shell,
                                                     optionProgram: optionProgram) else {
                preconditionFailure("invalid built-in image pattern \(image)")
            }
            return entry
        }
        return [
            entry("argoproj/rollouts-demo", command: ["{tack}", "__rollouts-demo", "--color", "{tag}"]),
            entry("busybox", args: ["sh"], shell: true),
            entry("alpine", args: ["/bin/sh"], shell: true),
            entry("bash", shell: true, optionProgram: "bash"),
            entry("curlimages/curl", shell: true, optionProgram: "curl"),
            entry("alpine/git", command: ["git"], shell: true),
        ]
    }()
}

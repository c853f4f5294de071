import ArgumentParser

/// `tack`: a GitOps delivery platform in one binary.
@main
struct Tack: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tack",
        abstract: "GitOps delivery in one binary: sync clusters with git, progressive rollouts, pipelines.",
        version: TackVersion.current,
        subcommands: [Up.self, Kubeconfig.self, RolloutsDemo.self])
}

enum TackVersion {
    static let current = "0.1.0"
}

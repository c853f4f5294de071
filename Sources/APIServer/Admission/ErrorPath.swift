/// A field path printed the way apimachinery's `field.Path` prints it, so that errors name fields exactly as
/// kube-apiserver does: `spec.template.spec.containers[0].image`, `data[tls.crt]`,
/// `spec.template.metadata.labels[job-name]`.
///
/// The empty root prints as `[]`, which is what upstream reports for whole-object errors such as a
/// ConfigMap over 1 MiB (`[]: Too long: must have at most 1048576 bytes`).
struct ErrorPath: Sendable, Hashable, CustomStringConvertible {
    /// The rendered path.
    let description: String

    init(_ name: String) { description = name.isEmpty ? "[]" : name }

    private init(rendered: String) { description = rendered }

    /// `field.NewPath("")`: the object itself.
    static let root = ErrorPath("")

    /// A nested field; several names descend several levels.
    func child(_ names: String...) -> ErrorPath {
        var text = description == "[]" ? "" : description
        for name in names { text = text.isEmpty ? name : text + "." + name }
        return ErrorPath(rendered: text)
    }

    /// A list element.
    func index(_ i: Int) -> ErrorPath { ErrorPath(rendered: description + "[\(i)]") }

    /// A map entry, printed without quotes as upstream does.
    func key(_ k: String) -> ErrorPath { ErrorPath(rendered: description + "[\(k)]") }
}

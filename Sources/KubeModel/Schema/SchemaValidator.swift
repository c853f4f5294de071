/// Schema checks the API server runs on every write: unknown-field detection for `fieldValidation`
/// (`Strict` fails, `Warn` warns, `Ignore` prunes), structural pruning of custom resources, and type and
/// constraint validation.
///
/// Built-in kinds use `SchemaSet.builtin` schemas; custom resources use their CRD version's
/// `schema.openAPIV3Schema` wrapped as `Schema(node:)`. For a custom resource the upstream order is:
/// `prune` (or `unknownFields` for Strict/Warn, then `prune`), `SchemaDefaulter.applyDefaults`, then
/// `validate(_:schema:mode: .customResource)`.
public enum SchemaValidator {
    /// How type mismatches are reported.
    public enum Mode: Sendable {
        /// Built-in kinds: kube-apiserver decodes into Go structs, so mismatches are decode errors worded
        /// like Go's `encoding/json` (answered with 400). Constraints and `required` are not checked here:
        /// built-in validation is Go code, done elsewhere.
        case builtin
        /// Custom resources: apiextensions' OpenAPI validation, as `FieldError`s (answered with 422), plus
        /// embedded-resource and list-type checks.
        case customResource
    }

    /// Paths of fields the schema does not declare, sorted: `spec.foo`,
    /// `spec.template.spec.containers[0].foo`, `metadata.foo`, map members as `.key`.
    ///
    /// `apiVersion`, `kind` and `metadata` at the root and in embedded resources are always known;
    /// `metadata` is checked against `ObjectMeta` (the schema's own for built-ins, the standard one for CRDs,
    /// whose schemas only say `metadata: {type: object}`). Members under
    /// `x-kubernetes-preserve-unknown-fields` are known.
    public static func unknownFields(in object: JSON, schema: Schema) -> [String] {
        var pruner = SchemaPruner()
        pruner.collect(object, SchemaNode.make(schema.node, set: schema.set), isResource: true)
        return pruner.paths.sorted()
    }

    /// Removes unknown fields in place (what `fieldValidation=Ignore` and CRD pruning do) and returns the
    /// paths removed, sorted, as `unknownFields` names them.
    @discardableResult
    public static func prune(_ object: inout JSON, schema: Schema) -> [String] {
        let root = SchemaNode.make(schema.node, set: schema.set)
        var probe = SchemaPruner()
        probe.collect(object, root, isResource: true)
        guard !probe.paths.isEmpty else { return [] }
        var pruner = SchemaPruner()
        pruner.prune(&object, root, isResource: true)
        return pruner.paths.sorted()
    }

    /// Type and constraint errors of `object` against `schema`; see `Mode`.
    public static func validate(_ object: JSON, schema: Schema, mode: Mode) -> ValidationOutcome {
        let root = SchemaNode.make(schema.node, set: schema.set)
        switch mode {
        case .builtin:
            return ValidationOutcome(decodeErrors: GoDecodeChecker.errors(of: object, root))
        case .customResource:
            let fast = customResourceOutcome(object, schema: schema, root: root, sortedKeys: false)
            return fast.isValid ? fast : customResourceOutcome(object, schema: schema, root: root, sortedKeys: true)
        }
    }

    private static func customResourceOutcome(_ object: JSON, schema: Schema, root: SchemaNode?, sortedKeys: Bool) -> ValidationOutcome {
        var outcome = ValidationOutcome()
        // The object's own metadata is decoded into ObjectMeta before anything else.
        if let metadata = object["metadata"] {
            outcome.decodeErrors += GoDecodeChecker.errors(of: metadata, SchemaPruner.standardObjectMeta(in: schema.set))
        }
        var openAPI = OpenAPIValueValidator(sortedKeys: sortedKeys)
        openAPI.validate(object, root)
        var embedded = EmbeddedResourceValidator(sortedKeys: sortedKeys)
        embedded.validate(object, root)
        var lists = ListTypeValidator(sortedKeys: sortedKeys)
        lists.validate(object, root)
        outcome.decodeErrors += embedded.decodeErrors
        outcome.fieldErrors = openAPI.errors + embedded.errors + lists.errors
        return outcome
    }
}

#!/usr/bin/env python3
"""Regenerates Sources/KubeModel/Resources/builtin-schemas.json, the OpenAPI schemas of the built-in
Kubernetes kinds that Tack's embedded API server serves.

The schemas are Kubernetes' own (v1.32, Apache-2.0), as packaged in the JSON-schema form by the PyPI
package `kubernetes-validate`. This script converts them back to the OpenAPI v3 component form that the
API server publishes (`allOf`-wrapped references, `x-kubernetes-int-or-string`), keeps only the
definitions reachable from the served kinds, and writes them with sorted keys so that the output is
reproducible. Run it when the served kinds change:

    python3 -m venv /tmp/kv && /tmp/kv/bin/pip install kubernetes-validate==1.37.0
    /tmp/kv/bin/python scripts/generate-builtin-schemas.py
"""
import json, os, sys, importlib.util

VERSION = "v1.32.0"

ROOTS = [
    "io.k8s.api.core.v1.Namespace", "io.k8s.api.core.v1.ConfigMap", "io.k8s.api.core.v1.Secret",
    "io.k8s.api.core.v1.ServiceAccount", "io.k8s.api.core.v1.Pod", "io.k8s.api.core.v1.Service",
    "io.k8s.api.core.v1.Endpoints", "io.k8s.api.core.v1.Event", "io.k8s.api.core.v1.Node",
    "io.k8s.api.core.v1.PersistentVolumeClaim", "io.k8s.api.core.v1.PersistentVolume",
    "io.k8s.api.core.v1.LimitRange", "io.k8s.api.core.v1.ResourceQuota", "io.k8s.api.core.v1.PodTemplate",
    "io.k8s.api.core.v1.ReplicationController", "io.k8s.api.core.v1.Binding",
    "io.k8s.api.apps.v1.Deployment", "io.k8s.api.apps.v1.ReplicaSet", "io.k8s.api.apps.v1.StatefulSet",
    "io.k8s.api.apps.v1.DaemonSet", "io.k8s.api.apps.v1.ControllerRevision",
    "io.k8s.api.batch.v1.Job", "io.k8s.api.batch.v1.CronJob",
    "io.k8s.api.networking.v1.Ingress", "io.k8s.api.networking.v1.IngressClass",
    "io.k8s.api.networking.v1.NetworkPolicy",
    "io.k8s.api.coordination.v1.Lease", "io.k8s.api.discovery.v1.EndpointSlice",
    "io.k8s.api.rbac.v1.Role", "io.k8s.api.rbac.v1.RoleBinding", "io.k8s.api.rbac.v1.ClusterRole",
    "io.k8s.api.rbac.v1.ClusterRoleBinding",
    "io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.CustomResourceDefinition",
    "io.k8s.api.autoscaling.v1.HorizontalPodAutoscaler", "io.k8s.api.autoscaling.v1.Scale",
    "io.k8s.api.autoscaling.v2.HorizontalPodAutoscaler",
    "io.k8s.api.policy.v1.PodDisruptionBudget", "io.k8s.api.storage.v1.StorageClass",
    "io.k8s.api.scheduling.v1.PriorityClass",
    "io.k8s.api.authorization.v1.SelfSubjectAccessReview", "io.k8s.api.authorization.v1.SelfSubjectRulesReview",
    "io.k8s.api.authentication.v1.SelfSubjectReview",
    "io.k8s.apimachinery.pkg.apis.meta.v1.Status", "io.k8s.apimachinery.pkg.apis.meta.v1.DeleteOptions",
]


def load_definitions():
    spec = importlib.util.find_spec("kubernetes_validate")
    if spec is None:
        sys.exit("kubernetes-validate is not installed; see this script's docstring")
    base = os.path.join(os.path.dirname(spec.origin), "kubernetes-json-schema", VERSION + "-local", "_definitions.json")
    with open(base) as f:
        return json.load(f)["$defs"]


def ref_name(ref):
    return ref.rsplit("/", 1)[-1]


def convert(node, refs):
    if isinstance(node, list):
        return [convert(n, refs) for n in node]
    if not isinstance(node, dict):
        return node
    if "oneOf" in node and len(node) <= 2:
        types = sorted(t for alt in node["oneOf"] for t in (alt.get("type") if isinstance(alt.get("type"), list) else [alt.get("type")]) if t != "null")
        if types == ["integer", "string"]:
            return {"type": "string", "format": "int-or-string", "x-kubernetes-int-or-string": True}
        if types == ["number", "string"]:
            return {"type": "string", "format": "quantity", "x-kubernetes-int-or-string": True}
    out = {}
    for key, value in node.items():
        if key == "$ref":
            continue
        if key == "type" and isinstance(value, list):
            types = [t for t in value if t != "null"]
            if len(types) == 1:
                out["type"] = types[0]
            continue
        if key in ("properties", "patternProperties"):
            out[key] = {k: convert(v, refs) for k, v in value.items()}
        elif key in ("items", "additionalProperties", "not"):
            out[key] = convert(value, refs)
        else:
            out[key] = convert(value, refs)
    if "$ref" in node:
        name = ref_name(node["$ref"])
        refs.add(name)
        target = {"$ref": "#/components/schemas/" + name}
        if out:
            out["allOf"] = [target]
        else:
            out = target
    return out


def main():
    defs = load_definitions()
    out = {}
    pending = list(ROOTS)
    while pending:
        name = pending.pop()
        if name in out:
            continue
        if name not in defs:
            sys.exit("missing definition " + name)
        refs = set()
        schema = convert(defs[name], refs)
        props = schema.get("properties", {})
        for field in ("apiVersion", "kind"):
            if field in props:
                props[field].pop("enum", None)
        out[name] = schema
        pending.extend(sorted(refs - out.keys()))
    here = os.path.dirname(os.path.abspath(__file__))
    path = os.path.join(here, "..", "Sources", "KubeModel", "Resources", "builtin-schemas.json")
    with open(path, "w") as f:
        json.dump({"kubernetesVersion": VERSION, "schemas": out}, f, sort_keys=True, separators=(",", ":"))
        f.write("\n")
    print(f"wrote {len(out)} schemas to {os.path.normpath(path)}")


if __name__ == "__main__":
    main()

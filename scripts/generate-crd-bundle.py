#!/usr/bin/env python3
"""Regenerates Sources/APIServer/Resources/crds.json: the CustomResourceDefinitions `tack up` installs at start.

Sources: the upstream CRDs of Argo CD, Argo Rollouts, Tekton Pipelines and Tekton Triggers (Apache-2.0),
copied byte for byte into scripts/crds/upstream/ (see scripts/crds/upstream/SOURCES.md), plus Tack's own
compatibility CRDs in scripts/crds/tack-compat-crds.yaml. YAML is converted to compact JSON once, here, so
that start-up parses JSON rather than several megabytes of YAML.

    python3 scripts/generate-crd-bundle.py
"""
import glob, json, os, sys
import yaml

here = os.path.dirname(os.path.abspath(__file__))
files = sorted(glob.glob(os.path.join(here, "crds", "upstream", "**", "*.yaml"), recursive=True))
files.append(os.path.join(here, "crds", "tack-compat-crds.yaml"))
crds = []
for path in files:
    with open(path) as f:
        for doc in yaml.safe_load_all(f):
            if isinstance(doc, dict) and doc.get("kind") == "CustomResourceDefinition":
                doc.setdefault("metadata", {}).pop("creationTimestamp", None)
                doc.pop("status", None)
                crds.append(doc)
names = [c["metadata"]["name"] for c in crds]
if len(names) != len(set(names)):
    sys.exit("duplicate CRD names: %s" % names)
out = os.path.join(here, "..", "Sources", "APIServer", "Resources", "crds.json")
with open(out, "w") as f:
    json.dump(sorted(crds, key=lambda c: c["metadata"]["name"]), f, sort_keys=True, separators=(",", ":"))
    f.write("\n")
print("wrote %d CRDs to %s" % (len(crds), os.path.normpath(out)))

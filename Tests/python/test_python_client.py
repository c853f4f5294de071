"""The official Python client (`kubernetes` from PyPI) against Tack's embedded API server.

Run by the Swift test `PythonClientTests`, which starts the server and sets KUBECONFIG.
"""
import os
import threading
import time
import uuid

import pytest
from kubernetes import client, config, dynamic, watch
from kubernetes.client.rest import ApiException


@pytest.fixture(scope="module")
def api_client():
    config.load_kube_config(config_file=os.environ["KUBECONFIG"])
    return client.ApiClient()


@pytest.fixture()
def namespace(api_client):
    name = "py-" + uuid.uuid4().hex[:8]
    client.CoreV1Api(api_client).create_namespace(client.V1Namespace(metadata=client.V1ObjectMeta(name=name)))
    return name


def test_configmap_crud_round_trips(api_client, namespace):
    core = client.CoreV1Api(api_client)
    created = core.create_namespaced_config_map(namespace, {"metadata": {"name": "cfg"}, "data": {"a": "1"}})
    assert created.metadata.uid
    assert created.kind == "ConfigMap"
    assert created.api_version == "v1"
    read = core.read_namespaced_config_map("cfg", namespace)
    assert read.data == {"a": "1"}
    patched = core.patch_namespaced_config_map("cfg", namespace, {"data": {"b": "2"}})
    assert patched.data == {"a": "1", "b": "2"}
    patched.data["a"] = "changed"
    replaced = core.replace_namespaced_config_map("cfg", namespace, patched)
    assert replaced.data["a"] == "changed"
    names = [c.metadata.name for c in core.list_namespaced_config_map(namespace).items]
    assert names == ["cfg"]
    core.delete_namespaced_config_map("cfg", namespace)
    with pytest.raises(ApiException) as missing:
        core.read_namespaced_config_map("cfg", namespace)
    assert missing.value.status == 404
    assert missing.value.reason == "Not Found"


def test_conflicts_and_existing_names_are_reported(api_client, namespace):
    core = client.CoreV1Api(api_client)
    first = core.create_namespaced_config_map(namespace, {"metadata": {"name": "c"}})
    with pytest.raises(ApiException) as exists:
        core.create_namespaced_config_map(namespace, {"metadata": {"name": "c"}})
    assert exists.value.status == 409
    core.patch_namespaced_config_map("c", namespace, {"data": {"x": "1"}})
    first.data = {"y": "2"}
    with pytest.raises(ApiException) as conflict:
        core.replace_namespaced_config_map("c", namespace, first)
    assert conflict.value.status == 409
    assert "the object has been modified" in conflict.value.body


def test_deployment_json_patch_and_scale(api_client, namespace):
    apps = client.AppsV1Api(api_client)
    apps.create_namespaced_deployment(namespace, {
        "metadata": {"name": "web"},
        "spec": {"replicas": 1, "selector": {"matchLabels": {"app": "web"}},
                 "template": {"metadata": {"labels": {"app": "web"}},
                              "spec": {"containers": [{"name": "main", "image": "nginx:1.27"}]}}},
    })
    apps.patch_namespaced_deployment("web", namespace, [{"op": "replace", "path": "/spec/replicas", "value": 2}])
    assert apps.read_namespaced_deployment("web", namespace).spec.replicas == 2
    apps.patch_namespaced_deployment_scale("web", namespace, {"spec": {"replicas": 4}})
    assert apps.read_namespaced_deployment_scale("web", namespace).spec.replicas == 4
    deployment = apps.read_namespaced_deployment("web", namespace)
    assert deployment.spec.strategy.type == "RollingUpdate"
    assert deployment.metadata.generation == 3


def test_watch_streams_events_until_the_timeout(api_client, namespace):
    core = client.CoreV1Api(api_client)
    core.create_namespaced_config_map(namespace, {"metadata": {"name": "before"}})

    def later():
        time.sleep(0.5)
        core.create_namespaced_config_map(namespace, {"metadata": {"name": "after"}})
        core.delete_namespaced_config_map("before", namespace)

    threading.Thread(target=later).start()
    seen = []
    started = time.time()
    for event in watch.Watch().stream(core.list_namespaced_config_map, namespace, timeout_seconds=3):
        seen.append((event["type"], event["object"].metadata.name))
    assert ("ADDED", "before") in seen
    assert ("ADDED", "after") in seen
    assert ("DELETED", "before") in seen
    assert time.time() - started < 10


def test_server_side_apply_through_the_dynamic_client(api_client, namespace):
    dyn = dynamic.DynamicClient(api_client)
    configmaps = dyn.resources.get(api_version="v1", kind="ConfigMap")
    body = {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "ssa", "namespace": namespace}, "data": {"k": "v"}}
    created = configmaps.server_side_apply(body=body, field_manager="py")
    assert created.data.k == "v"
    managers = [m.manager for m in created.metadata.managedFields]
    assert "py" in managers
    body["data"] = {"k": "v2"}
    updated = configmaps.server_side_apply(body=body, field_manager="py")
    assert updated.data.k == "v2"
    rollouts = dyn.resources.get(api_version="argoproj.io/v1alpha1", kind="Rollout")
    assert rollouts.namespaced


def test_custom_resources_through_the_custom_objects_api(api_client, namespace):
    custom = client.CustomObjectsApi(api_client)
    body = {"apiVersion": "argoproj.io/v1alpha1", "kind": "AnalysisTemplate", "metadata": {"name": "rate"},
            "spec": {"metrics": [{"name": "m", "provider": {"web": {"url": "http://example.test"}}}]}}
    created = custom.create_namespaced_custom_object("argoproj.io", "v1alpha1", namespace, "analysistemplates", body)
    assert created["metadata"]["generation"] == 1
    listed = custom.list_namespaced_custom_object("argoproj.io", "v1alpha1", namespace, "analysistemplates")
    assert [i["metadata"]["name"] for i in listed["items"]] == ["rate"]

import Foundation
import KubeModel
import LocalCluster
import TestSupport
import Testing

/// Every container and Tekton step in the seed fixtures, resolved against the built-in catalog.
@Suite("Image catalog on the seed fixtures")
struct ImageCatalogSeedTests {
    enum Expected: Equatable, CustomStringConvertible {
        case argv([String])
        case script(interpreter: [String])
        case notRunnable

        var description: String {
            switch self {
            case .argv(let argv): return "argv \(argv)"
            case .script(let interpreter): return "script via \(interpreter)"
            case .notRunnable: return "ImageNotRunnable"
            }
        }
    }

    static let tack = "/opt/tack"
    static func demo(_ colour: String) -> Expected { .argv([tack, "__rollouts-demo", "--color", colour]) }
    static let bash = Expected.script(interpreter: ["/bin/bash"])
    static let sh = Expected.script(interpreter: ["/bin/sh"])

    /// `file#container` → what runs.
    static let expected: [String: Expected] = [
        "argocd/managed-app-dev-demo-deployment.yaml#dev": .notRunnable,
        "infra/gitlab-02-redis.yaml#gitlab-redis": .notRunnable,
        "infra/gitlab-04-postgresql.yaml#postgresql": .notRunnable,
        "infra/gitlab-05-gitlab.yaml#gitlab": .notRunnable,
        "infra/tke-local-pv-test-pvc-and-pod.yaml#example-pv-local": .notRunnable,
        "rollouts/bluegreen-auto-promotion-rollout.yaml#bluegreen-demo": demo("blue"),
        "rollouts/bluegreen-manual-promotion.yaml#rollouts-demo": demo("blue"),
        "rollouts/bluegreen-prepost-promotion-analysis.yaml#spring-boot-helloworld": .notRunnable,
        "rollouts/bluegreen-spring-boot-manual-promotion.yaml#spring-boot-helloworld": .notRunnable,
        "rollouts/canary-basic-rollout.yaml#rollouts-demo": demo("blue"),
        "rollouts/canary-istio-prometheus-analysis.yaml#spring-boot-helloworld": .notRunnable,
        "rollouts/canary-istio-subset-traffic-shifting.yaml#spring-boot-helloworld": .notRunnable,
        "rollouts/canary-job-analysis-nginx.yaml#test": .argv(["/bin/bash", "-c", "[[ $(expr $RANDOM % 2) -eq 1 ]]"]),
        "rollouts/canary-job-analysis-nginx.yaml#rollouts-demo": demo("blue"),
        "rollouts/canary-nginx-header-routing-rollout.yaml#canary-demo": demo("blue"),
        "rollouts/canary-nginx-traffic-routing.yaml#rollouts-demo": demo("blue"),
        "rollouts/canary-rolling-update-no-steps.yaml#rollouts-demo": demo("blue"),
        "rollouts/canary-spring-boot-manual-promote.yaml#spring-boot-helloworld": .notRunnable,
        "rollouts/manual-bluegreen-blue-deployment.yaml#demo": demo("blue"),
        "rollouts/manual-bluegreen-green-deployment.yaml#demo": demo("green"),
        "rollouts/manual-canary-canary-deployment.yaml#demo": demo("green"),
        "rollouts/manual-canary-prod-deployment.yaml#demo": demo("blue"),
        "tekton/pipeline-source-2-package-maven-cache.yaml#git-clone": bash,
        "tekton/pipeline-source-2-package-maven-cache.yaml#build": sh,
        "tekton/pipeline-source-2-package-maven.yaml#git-clone": bash,
        "tekton/pipeline-source-2-package-maven.yaml#build": sh,
        "tekton/pipeline-volume-share-pvc.yaml#git-clone": bash,
        "tekton/pipeline-volume-share-pvc.yaml#list-files": bash,
        "tekton/s2i-task-build-to-package.yaml#build": sh,
        "tekton/s2i-task-deploy-using-kubectl.yaml#update-yaml": .argv([
            "sed", "-i", "-e", "s@__IMAGE__@$(params.image-url):$(params.image-tag)@g",
            "$(workspaces.source.path)/source/deploy/$(params.deploy-config-file)",
        ]),
        "tekton/s2i-task-deploy-using-kubectl.yaml#run-kubectl": .argv([
            "kubectl", "apply", "-f", "$(workspaces.source.path)/source/deploy/$(params.deploy-config-file)",
        ]),
        "tekton/s2i-task-generate-build-id.yaml#generate-datetime": .script(interpreter: ["/usr/bin/env", "bash"]),
        "tekton/s2i-task-generate-build-id.yaml#generate-buildid": .script(interpreter: ["/usr/bin/env", "bash"]),
        "tekton/s2i-task-git-clone.yaml#git-clone": bash,
        "tekton/s2i-task-image-build-and-push.yaml#image-build-and-push": .argv([
            "/kaniko/executor", "--dockerfile=$(params.dockerfile)", "--context=$(workspaces.source.path)/source",
            "--destination=$(params.image-url):$(params.image-tag)",
        ]),
        "tekton/task-generate-buildid-results.yaml#generate-datetime": sh,
        "tekton/task-generate-buildid-results.yaml#generate-buildid": sh,
        "tekton/task-hello-params.yaml#say-hello": .argv(["/bin/bash", "-c", "echo $(params.target)"]),
        "tekton/task-hello.yaml#say-hello": .argv(["/bin/bash", "-c", "echo Hello World"]),
        "tekton/task-logger-script-params.yaml#log": bash,
        "tekton/task-multi-step.yaml#first": .argv(["/bin/bash", "-c", "echo first step"]),
        "tekton/task-multi-step.yaml#second": .argv(["/bin/bash", "-c", "echo second step"]),
        "tekton/task-script.yaml#step-with-script": bash,
        "tekton/task-source-lister-shared-workspace.yaml#fit-clone": bash,
        "tekton/task-source-lister-shared-workspace.yaml#list-file": .argv(["/bin/bash", "-c", "ls $(workspaces.source.path)/source"]),
        "tekton/task-workspace-demo-optional.yaml#wrtite-message": bash,
        "tekton/trigger-gitlab-taskrun-template.yaml#fetch-from-git-repo": bash,
        "tekton/trigger-gitlab-taskrun-template.yaml#list-files": bash,
        "tekton/trigger-s2i-tasks.yaml#git-clone": bash,
        "tekton/trigger-s2i-tasks.yaml#build": sh,
        "tekton/trigger-s2i-tasks.yaml#generate-datetime": .script(interpreter: ["/usr/bin/env", "bash"]),
        "tekton/trigger-s2i-tasks.yaml#generate-buildid": .script(interpreter: ["/usr/bin/env", "bash"]),
        "tekton/trigger-s2i-tasks.yaml#image-build-and-push": .argv([
            "/kaniko/executor", "--dockerfile=$(params.dockerfile)", "--context=$(workspaces.source.path)/source",
            "--destination=$(params.image-url):$(params.image-tag)",
        ]),
        "tekton/trigger-s2i-tasks.yaml#update-yaml": .argv([
            "sed", "-i", "-e", "s@__IMAGE__@$(params.image-url):$(params.image-tag)@g",
            "$(workspaces.source.path)/source/deploy/$(params.deploy-config-file)",
        ]),
        "tekton/trigger-s2i-tasks.yaml#run-kubectl": .argv([
            "kubectl", "apply", "-f", "$(workspaces.source.path)/source/deploy/$(params.deploy-config-file)",
        ]),
    ]

    /// Containers, init containers and Tekton steps anywhere in a document.
    static func containers(in value: JSON) -> [JSON] {
        var found: [JSON] = []
        switch value {
        case .object(let object):
            for (key, child) in object {
                if ["containers", "initContainers", "steps"].contains(key), let items = child.arrayValue {
                    found += items.filter { $0["image"]?.stringValue != nil }
                }
                found += containers(in: child)
            }
        case .array(let items):
            for item in items { found += containers(in: item) }
        default:
            break
        }
        return found
    }

    static func seedContainers() throws -> [(key: String, container: JSON)] {
        var result: [(String, JSON)] = []
        for file in Fixtures.files(under: "seeds") {
            let relative = file.path.components(separatedBy: "/seeds/").last ?? file.path
            for document in try YAML.decodeAll(String(contentsOf: file, encoding: .utf8)) {
                for container in containers(in: document) {
                    result.append(("\(relative)#\(container["name"]?.stringValue ?? "")", container))
                }
            }
        }
        return result
    }

    @Test("every seed container resolves as expected")
    func seeds() throws {
        let catalog = ImageCatalog(tackExecutable: Self.tack)
        let found = try Self.seedContainers()
        #expect(Set(found.map(\.key)) == Set(Self.expected.keys))
        for (key, container) in found {
            let actual: Expected
            switch catalog.resolve(container: container) {
            case .runnable(let program) where program.script != nil: actual = .script(interpreter: program.argv)
            case .runnable(let program): actual = .argv(program.argv)
            case .notRunnable(let failure):
                #expect(failure.reason == "ImageNotRunnable", "\(key)")
                #expect(failure.message.hasPrefix("image \"\(container["image"]?.stringValue ?? "")\" has no command and no catalog entry: add one to "),
                        "\(key)")
                actual = .notRunnable
            }
            #expect(actual == Self.expected[key], "\(key)")
        }
    }
}

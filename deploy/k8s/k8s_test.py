#!/usr/bin/python3
"""The Kubernetes manifests, tested the way the Jobs run them (no cluster is reachable here, and
kubectl's dry run needs an API server): read deploy/k8s/*.yaml with python3-yaml, check the
Indexed Job's fields, run the shard container's command once per index with the environment its
pod gets (JOB_COMPLETION_INDEX, the manifest's env), then the merge Job's command, and compare
the metric tables with a single-process run of the same study at the same --threads.

The image's paths map onto this tree: /opt/nerve-mtl (the checkout in the image) is the current
directory (Bazel's runfiles or CMake's build tree), its bin/ the binaries there, and the results
volume a temporary folder. The study is the tiny fixture, not the manifest's, which would take
too long here; everything else is the manifests' own.
"""
import os
import re
import subprocess
import sys

import yaml

ROOT = os.getcwd()
TMP = os.environ.get("TEST_TMPDIR") or subprocess.check_output(["mktemp", "-d"], text=True).strip()
FIXTURE = "deploy/slurm/testdata/tiny.textproto"
IMAGE_ROOT = "/opt/nerve-mtl"
# The binaries the Containerfile copies to bin/, as Bazel (study/all) or CMake (study/study_all)
# names them here.
BINARIES = {"study_all": ["study/all", "study/study_all"], "merge": ["study/merge"]}


def fail(message):
    print(f"FAIL: {message}", file=sys.stderr)
    sys.exit(1)


def load(name):
    with open(os.path.join("deploy/k8s", name)) as f:
        documents = list(yaml.safe_load_all(f))
    if len(documents) != 1 or documents[0].get("kind") != "Job":
        fail(f"{name}: expected one Job, got {[d.get('kind') for d in documents]}")
    if documents[0].get("apiVersion") != "batch/v1":
        fail(f"{name}: apiVersion {documents[0].get('apiVersion')}")
    return documents[0]


def container(job):
    pod = job["spec"]["template"]["spec"]
    if pod.get("restartPolicy") != "Never":
        fail(f"{job['metadata']['name']}: restartPolicy must be Never (a rerun skips finished trials)")
    (only,) = pod["containers"]
    return pod, only


def claim(pod, mount):
    (volume,) = [v for v in pod["volumes"] if v["name"] == mount["name"]]
    return volume["persistentVolumeClaim"]["claimName"]


def local(arg, results_volume, volume_path):
    """An argument of the container's command, with the image's paths mapped onto this tree."""
    for name, candidates in BINARIES.items():
        if arg == f"{IMAGE_ROOT}/bin/{name}":
            for candidate in candidates:
                if os.access(candidate, os.X_OK):
                    return os.path.join(ROOT, candidate)
            fail(f"no binary for {arg} here")
    arg = arg.replace(volume_path, results_volume)
    return arg.replace(IMAGE_ROOT + "/", ROOT + "/")


def run(command, env, log):
    with open(log, "w") as out:
        return subprocess.Popen(command, env=env, stdout=out, stderr=subprocess.STDOUT, cwd=ROOT)


def main():
    study = load("study-job.yaml")
    merge = load("merge-job.yaml")
    spec = study["spec"]
    if spec.get("completionMode") != "Indexed":
        fail("study-job.yaml: completionMode must be Indexed (pods get JOB_COMPLETION_INDEX)")
    count = spec["completions"]
    if not isinstance(count, int) or count < 1 or spec.get("parallelism", count) < 1:
        fail(f"study-job.yaml: completions {count}, parallelism {spec.get('parallelism')}")
    pod, shard = container(study)
    env = {e["name"]: str(e["value"]) for e in shard.get("env", [])}
    if env.get("NERVE_MTL_SHARD_COUNT") != str(count):
        fail(f"study-job.yaml: NERVE_MTL_SHARD_COUNT {env.get('NERVE_MTL_SHARD_COUNT')} is not "
             f"completions {count}: the shards would not cover the study")
    command = shard["command"]
    for flag in ("--shard=auto", "--results="):
        if not any(a.startswith(flag) for a in command):
            fail(f"study-job.yaml: the command lacks {flag}: {command}")
    threads = [a for a in command if a.startswith("--threads=")]
    if len(threads) != 1:
        fail("study-job.yaml: pin --threads (the numbers depend on it)")
    if spec.get("backoffLimitPerIndex") is None:
        fail("study-job.yaml: without backoffLimitPerIndex one failed index stops every shard")
    merge_pod, merger = container(merge)
    if merge["spec"].get("completionMode") == "Indexed" or merge["spec"].get("completions", 1) != 1:
        fail("merge-job.yaml: the merge is one pod")
    if merger["image"] != shard["image"]:
        fail(f"the two Jobs run different images: {shard['image']}, {merger['image']}")
    (mount,) = shard["volumeMounts"]
    (merge_mount,) = merger["volumeMounts"]
    if (claim(pod, mount), mount["mountPath"]) != (claim(merge_pod, merge_mount),
                                                   merge_mount["mountPath"]):
        fail("the merge does not mount the shards' volume at the same path")
    results = next(a for a in command if a.startswith("--results="))[len("--results="):]
    merge_command = merger["command"]
    if f"--into={results}" not in merge_command or results not in merge_command:
        fail(f"merge-job.yaml: the merge does not join {results}: {merge_command}")
    with open("deploy/k8s/Containerfile") as f:
        containerfile = f.read()
    for name in BINARIES:
        if not re.search(rf"cp -L \S+ bin/{name}\b", containerfile):
            fail(f"the Containerfile does not put bin/{name} in the image")
    if f"COPY . {IMAGE_ROOT}" not in containerfile or shard.get("workingDir") != IMAGE_ROOT:
        fail(f"the image's checkout is not {IMAGE_ROOT}, the pods' working directory")

    volume = os.path.join(TMP, "volume")
    base = {k: v for k, v in os.environ.items()
            if not k.startswith("SLURM_") and k not in ("JOB_COMPLETION_INDEX",
                                                        "NERVE_MTL_SHARD_COUNT")}
    pod_command = [local(a, volume, mount["mountPath"]) for a in command]
    pod_command = [f"--study={FIXTURE}" if a.startswith("--study=") else a for a in pod_command]
    pod_command += ["--tensorboard=false", "--plots=false", "--original="]
    pods = []
    for index in range(count):
        pod_env = dict(base, **env, JOB_COMPLETION_INDEX=str(index),
                       HOSTNAME=f"nerve-mtl-study-{index}-test")
        pods.append(run(pod_command, pod_env, os.path.join(TMP, f"pod-{index}.log")))
    reference = [pod_command[0], f"--study={FIXTURE}", f"--results={TMP}/reference",
                 threads[0], "--tensorboard=false", "--plots=false", "--original="]
    single = run(reference, base, os.path.join(TMP, "reference.log"))
    for index, process in enumerate(pods):
        if process.wait(timeout=600) != 0:
            fail(f"pod {index} exited {process.returncode}: "
                 f"{open(os.path.join(TMP, f'pod-{index}.log')).read()}")
    if single.wait(timeout=600) != 0:
        fail(f"the single-process run exited {single.returncode}")
    merged = [local(a, volume, merge_mount["mountPath"]) for a in merge_command]
    merged += ["--plots=false", "--original="]
    code = run(merged, base, os.path.join(TMP, "merge.log")).wait(timeout=600)
    if code != 0:
        fail(f"the merge exited {code}: {open(os.path.join(TMP, 'merge.log')).read()}")
    report = next(a for a in merged if a.startswith("--report="))[len("--report="):]
    for table in ("segmentation", "classification", "misclassification"):
        for extension in ("md", "tex", "csv"):
            name = f"{table}.{extension}"
            with open(os.path.join(TMP, "reference/report", name), "rb") as f:
                want = f.read()
            with open(os.path.join(report, name), "rb") as f:
                got = f.read()
            if not want or want != got:
                fail(f"{name} of the merged pods differs from the single-process run")
    print(f"{count} pods and the merge Job gave the single-process tables")
    print("PASS")


if __name__ == "__main__":
    main()

#!/usr/bin/python3
"""Checks deploy/kubernetes against deploy/slurm without a cluster (run by the test suite, DeployManifestTests).

1. Every manifest parses as YAML (python3-yaml) and has the shape the recipe needs: the index and check Jobs are
   Indexed Jobs whose completions and parallelism equal PARTS in the ConfigMap, the part StatefulSet has PARTS
   replicas, the front lists one --remote per part, every pod mounts the shared claim.
2. Every contam command in the manifests is the one the Slurm scripts run (the test scripts/slurm-local.sh runs):
   each container script and its Slurm counterpart are executed with a stand-in `contam` that prints its
   arguments, for every part (JOB_COMPLETION_INDEX 0..N-1 against SLURM_ARRAY_TASK_ID 1..N), and must print the
   same argument lists.
3. `contam serve` is called with the options of its interface (NAME=PATH..., --host, --port, --remote, --token-env).

Usage: deploy/check-deploy.py   (exit 0 when everything matches; each problem is printed with its file)
"""
import os
import subprocess
import sys
import tempfile

import yaml

HERE = os.path.dirname(os.path.abspath(__file__))
KUBE = os.path.join(HERE, "kubernetes")
SLURM = os.path.join(HERE, "slurm")
problems = []


def problem(path, text):
    problems.append(f"{os.path.relpath(path, os.path.dirname(HERE))}: {text}")


def load(name):
    path = os.path.join(KUBE, name)
    with open(path) as f:
        documents = [d for d in yaml.safe_load_all(f) if d is not None]
    if not documents:
        problem(path, "no YAML document")
    return path, documents


def containers(document):
    return document["spec"]["template"]["spec"]["containers"]


def script(path, container):
    command, args = container.get("command"), container.get("args")
    if command != ["sh", "-c"] or not isinstance(args, list) or len(args) != 1:
        problem(path, f"container {container.get('name')}: expected command [sh, -c] and one script in args")
        return None
    return args[0]


def run(shell_script, env, fake_dir, shell="sh"):
    """What the stand-in contam printed: stdout, or the report file a script redirects it to."""
    environment = {"PATH": f"{fake_dir}:/usr/bin:/bin", **env}
    report = os.path.join(env.get("OUT", fake_dir), "report.txt")
    if os.path.exists(report):
        os.remove(report)
    result = subprocess.run([shell, "-c", shell_script], env=environment, capture_output=True, text=True)
    if result.returncode != 0:
        return f"exit {result.returncode}: {result.stderr.strip()}"
    if os.path.exists(report):
        with open(report) as f:
            return result.stdout + f.read()
    return result.stdout


def main():
    manifests = {name: load(name) for name in sorted(os.listdir(KUBE)) if name.endswith(".yaml")}
    storage_path, storage = manifests["storage.yaml"]
    config = next((d for d in storage if d["kind"] == "ConfigMap" and d["metadata"]["name"] == "contam-run"), None)
    if config is None:
        problem(storage_path, "no ConfigMap contam-run")
        return
    settings = {k: str(v) for k, v in config["data"].items()}
    parts = int(settings["PARTS"])
    for name, (path, documents) in manifests.items():
        for d in documents:
            if d["kind"] in ("Job", "StatefulSet", "Deployment"):
                spec = d["spec"]["template"]["spec"]
                for c in spec["containers"]:
                    if not c.get("image", "").startswith("contam:"):
                        problem(path, f"{d['metadata']['name']}: image {c.get('image')} is not the contam image deploy/Dockerfile builds")
                claims = [v.get("persistentVolumeClaim", {}).get("claimName") for v in spec.get("volumes", [])]
                if d["metadata"]["name"] != "contam-front" and claims != ["contam-data"]:
                    problem(path, f"{d['metadata']['name']}: does not mount the claim contam-data")

    with tempfile.TemporaryDirectory() as fake_dir:
        fake = os.path.join(fake_dir, "contam")
        with open(fake, "w") as f:
            f.write('#!/bin/sh\nfor a in "$@"; do printf "<%s>" "$a"; done; echo\n')
        os.chmod(fake, 0o755)
        out = "/data/run"
        os.makedirs(fake_dir + out, exist_ok=True)
        # Files the globs of merge and combine expand to.
        for k in range(1, parts + 1):
            os.makedirs(f"{fake_dir}{out}/part-{k}", exist_ok=True)
            open(f"{fake_dir}{out}/check-{k}.json", "w").close()
        env = dict(settings, OUT=fake_dir + out)
        pairs = [("index-job.yaml", "index-parts.sbatch", True), ("check-job.yaml", "check-parts.sbatch", True),
                 ("merge-job.yaml", "merge.sbatch", False), ("combine-job.yaml", "combine.sbatch", False)]
        for manifest, sbatch, indexed in pairs:
            path, documents = manifests[manifest]
            job = documents[0]
            if indexed:
                spec = job["spec"]
                if spec.get("completionMode") != "Indexed":
                    problem(path, "not an Indexed Job (completionMode: Indexed)")
                if spec.get("completions") != parts or spec.get("parallelism") != parts:
                    problem(path, f"completions {spec.get('completions')} and parallelism {spec.get('parallelism')} must equal PARTS {parts}")
            kube_script = script(path, containers(job)[0])
            if kube_script is None:
                continue
            with open(os.path.join(SLURM, sbatch)) as f:
                slurm_script = f.read()
            for k in range(1, parts + 1 if indexed else 2):
                kube_env = dict(env, JOB_COMPLETION_INDEX=str(k - 1))
                slurm_env = dict(env, CONTAM="contam", CONTAM_DEPLOY=SLURM, SLURM_ARRAY_TASK_ID=str(k), SLURM_ARRAY_TASK_COUNT=str(parts),
                                 SLURM_ARRAY_TASK_MIN="1", SLURM_ARRAY_TASK_MAX=str(parts))
                # combine writes its report to $OUT/report.txt: run both and compare what contam was given.
                got, want = run(kube_script, kube_env, fake_dir), run(slurm_script, slurm_env, fake_dir, shell="bash")
                if got != want or not want.startswith("<"):
                    problem(path, f"part {k}: the container runs {got.strip()!r}, deploy/slurm/{sbatch} runs {want.strip()!r}")

        path, documents = manifests["serve.yaml"]
        statefulset = next(d for d in documents if d["kind"] == "StatefulSet")
        front = next(d for d in documents if d["kind"] == "Deployment")
        if statefulset["spec"]["replicas"] != parts:
            problem(path, f"StatefulSet replicas {statefulset['spec']['replicas']} must equal PARTS {parts}")
        part_script = script(path, containers(statefulset)[0])
        for j in range(parts):
            printed = run(part_script, dict(env, HOSTNAME=f"contam-part-{j}"), fake_dir)
            want = f"<serve><corpus={fake_dir}{out}/part-{j + 1}><--host><0.0.0.0><--port><8080>\n"
            if printed != want:
                problem(path, f"pod contam-part-{j} runs {printed.strip()!r}, not {want.strip()!r}")
        printed = run(script(path, containers(front)[0]), env, fake_dir)
        arguments = printed.strip().strip("<>").split("><")
        remotes = [arguments[i + 1] for i, a in enumerate(arguments) if a == "--remote"]
        if arguments[:1] != ["serve"] or remotes != [f"http://contam-part-{j}.contam-part:8080" for j in range(parts)]:
            problem(path, f"the front runs {printed.strip()!r}: want serve with one --remote per part pod")
        known = {"--host", "--port", "--remote", "--token-env", "--remote-timeout"}
        for a in arguments[1:]:
            if a.startswith("--") and a not in known:
                problem(path, f"the front passes {a}, which is not an option of contam serve")


main()
for p in problems:
    print(p, file=sys.stderr)
if problems:
    sys.exit(1)
print("deploy: kubernetes manifests parse and run the commands of deploy/slurm")

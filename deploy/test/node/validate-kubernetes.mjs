// Validates Kubernetes manifests without a cluster, in two ways:
//  1. each object against its API schema (kubernetes-models' validators: types, required fields, enums, formats);
//  2. each object as a TypeScript literal of the model's interface (tsc): an unknown or misspelt field anywhere is
//     an error there, which the API schemas (they allow extra fields) cannot catch.
// Usage: node validate-kubernetes.mjs <file.yaml>...   Exits 1 on the first finding, naming file, object and path.
import { readFileSync, writeFileSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { execFileSync } from "node:child_process";
import { parseAllDocuments } from "yaml";

const here = dirname(fileURLToPath(import.meta.url));

// apiVersion/kind -> [module, class]. Only what deploy/kubernetes uses: anything else is refused, not skipped.
const MODELS = {
  "v1/Namespace": ["kubernetes-models/v1", "Namespace"],
  "v1/Secret": ["kubernetes-models/v1", "Secret"],
  "v1/ConfigMap": ["kubernetes-models/v1", "ConfigMap"],
  "v1/Service": ["kubernetes-models/v1", "Service"],
  "apps/v1/Deployment": ["kubernetes-models/apps/v1", "Deployment"],
  "policy/v1/PodDisruptionBudget": ["kubernetes-models/policy/v1", "PodDisruptionBudget"],
  "autoscaling/v2/HorizontalPodAutoscaler": ["kubernetes-models/autoscaling/v2", "HorizontalPodAutoscaler"],
  "monitoring.coreos.com/v1/ServiceMonitor": ["@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1", "ServiceMonitor"],
};

const files = process.argv.slice(2);
if (files.length === 0) {
  console.error("usage: node validate-kubernetes.mjs <file.yaml>...");
  process.exit(2);
}

let failures = 0;
const typed = [];
for (const file of files) {
  const docs = parseAllDocuments(readFileSync(file, "utf8"));
  for (const doc of docs) {
    if (doc.errors.length > 0) {
      console.error(`${file}: YAML: ${doc.errors[0].message}`);
      failures++;
      continue;
    }
    const obj = doc.toJS();
    if (obj == null) continue;
    const key = `${obj.apiVersion}/${obj.kind}`;
    const where = `${file}: ${obj.kind ?? "?"} ${obj.metadata?.name ?? "?"}`;
    const model = MODELS[key];
    if (!model) {
      console.error(`${where}: no schema for ${key} (add it to validate-kubernetes.mjs)`);
      failures++;
      continue;
    }
    const mod = await import(model[0]);
    try {
      new mod[model[1]](obj).validate();
    } catch (e) {
      console.error(`${where}: ${e.message}`);
      failures++;
    }
    typed.push({ where, model, obj });
  }
}

// One .ts file: every object as a typed literal; tsc reports excess (unknown) properties with their line.
const dir = mkdtempSync(join(here, ".typecheck-"));
try {
  const lines = [];
  const origin = [];
  typed.forEach(({ where, model, obj }, i) => {
    lines.push(`import type { I${model[1]} as T${i} } from "${model[0]}/${model[1]}";`);
    origin.push(where);
  });
  const starts = [];
  typed.forEach(({ obj }, i) => {
    starts.push(lines.length + 1);
    lines.push(`export const o${i}: T${i} = ${JSON.stringify(obj, null, 1)};`.split("\n").join("\n"));
  });
  const text = lines.join("\n") + "\n";
  writeFileSync(join(dir, "manifests.ts"), text);
  // Line numbers of each object's literal, to name the manifest in tsc's findings.
  const lineStarts = [];
  let n = 1;
  for (const part of text.split("\n")) {
    if (part.startsWith("export const o")) lineStarts.push(n);
    n++;
  }
  try {
    execFileSync(process.execPath, [join(here, "node_modules/typescript/bin/tsc"), "--noEmit", "--strict",
      "--module", "nodenext", "--moduleResolution", "nodenext", "--target", "es2022", "--skipLibCheck",
      join(dir, "manifests.ts")], { cwd: here, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
  } catch (e) {
    const out = `${e.stdout ?? ""}${e.stderr ?? ""}`;
    for (const finding of out.split("\n").filter((l) => l.includes("error TS"))) {
      const m = finding.match(/manifests\.ts\((\d+),/);
      const line = m ? Number(m[1]) : 0;
      let idx = 0;
      while (idx + 1 < lineStarts.length && lineStarts[idx + 1] <= line) idx++;
      console.error(`${origin[idx]}: ${finding.replace(/^.*error TS\d+: /, "")}`);
      failures++;
    }
    if (!out.includes("error TS")) throw e;
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}

if (failures > 0) {
  console.error(`validate-kubernetes: ${failures} finding(s)`);
  process.exit(1);
}
console.log(`validate-kubernetes: ${typed.length} objects in ${files.length} files valid (API schemas, no unknown fields)`);

// The floors the bench measures the app against: the least a Functions app can do for the same job, written
// as a plain CommonJS app — the fastest way Node loads @azure/functions (itself CommonJS) and the SDKs.
//   register-one.cjs  a bare @azure/functions app registering one HTTP function (cold start);
//   index.cjs         `hello` (GET /api/hello: a string) and `tokenAndStorage` (GET /api/floor: one token from
//                     the managed identity endpoint and one Blob Storage call, the SDKs loaded on first use).
//   app-with-hello    the app as built (dist/app/index.cjs) plus that same `hello`: the summary's CPU per
//                     request is measured against a function served by the same process, with the same heap,
//                     garbage collector and host, so that the ratio is what the summary itself costs.
// Written into the project (.local/bench-apps/…) so that require() finds the project's node_modules.
import { copyFile, mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";

const hello = `app.http("hello", { methods: ["GET"], authLevel: "anonymous", handler: async () => ({ body: "hello" }) });`;

const registerOne = `const { app } = require("@azure/functions");
${hello}
`;

const served = `const { app } = require("@azure/functions");
${hello}
let container;
app.http("tokenAndStorage", {
  methods: ["GET"],
  route: "floor",
  authLevel: "anonymous",
  handler: async () => {
    if (!container) {
      const { ManagedIdentityCredential } = require("@azure/identity");
      const { BlobServiceClient } = require("@azure/storage-blob");
      const credential = new ManagedIdentityCredential();
      container = new BlobServiceClient(process.env.AZURE_STORAGE_BLOB_ENDPOINT, credential).getContainerClient("identity-probe");
    }
    const exists = await container.exists();
    return { jsonBody: { exists } };
  },
});
`;

export async function writeFloorApp(projectRoot: string): Promise<string> {
  const dir = join(projectRoot, ".local", "bench-apps", "floor");
  await mkdir(dir, { recursive: true });
  await Promise.all([
    writeFile(join(dir, "package.json"), JSON.stringify({ name: "floor", private: true, main: "index.cjs" })),
    writeFile(join(dir, "host.json"), JSON.stringify({ version: "2.0" })),
    writeFile(join(dir, "register-one.cjs"), registerOne),
    writeFile(join(dir, "index.cjs"), served),
  ]);
  return dir;
}

/** The built app plus `hello`, in a directory of its own; the app's host.json, so its routes are the same. */
export async function writeAppWithHello(projectRoot: string): Promise<string> {
  const dir = join(projectRoot, ".local", "bench-apps", "app-with-hello");
  await mkdir(dir, { recursive: true });
  const entry = `require(${JSON.stringify(join(projectRoot, "dist", "app", "index.cjs"))});
const { app } = require("@azure/functions");
${hello}
`;
  await Promise.all([
    writeFile(join(dir, "package.json"), JSON.stringify({ name: "app-with-hello", private: true, main: "index.cjs" })),
    copyFile(join(projectRoot, "host.json"), join(dir, "host.json")),
    writeFile(join(dir, "index.cjs"), entry),
  ]);
  return dir;
}

// The package version, inlined by the build (esbuild `define`, scripts/build.mjs) as it is for the
// report's releaseId; "0.0.0" when running from source.
declare const __RELEASE_ID__: string | undefined;

export const cliVersion: string = typeof __RELEASE_ID__ === "string" ? __RELEASE_ID__ : "0.0.0";

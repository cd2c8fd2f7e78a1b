// The dashboard's browser bundle, built by scripts/build.mjs and inlined as text into the app bundle.
declare module "virtual:dashboard-client" {
  const script: string;
  export default script;
}

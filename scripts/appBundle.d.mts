// Types of scripts/appBundle.mjs for the TypeScript tests that bundle an app.
export function releaseId(): Promise<string>;
export function dashboardClientPlugin(): Promise<import("esbuild").Plugin>;
export function bundleFunctionsApp(options: { entry: string; outdir: string; dashboardPlugin?: import("esbuild").Plugin }): Promise<void>;

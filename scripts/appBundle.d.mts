// Types of scripts/appBundle.mjs for the TypeScript tests that bundle an app.
import type { BuildOptions, Plugin } from "esbuild";

export function nodeBuildOptions(): Promise<BuildOptions>;
export function dashboardClientPlugin(): Promise<Plugin>;
export function bundleFunctionsApp(options: { entry: string; outdir: string; dashboardPlugin?: Plugin }): Promise<void>;

// Types of scripts/appBundle.mjs for the TypeScript tests that bundle an app.
import type { Plugin } from "esbuild";

export function releaseId(): Promise<string>;
export function dashboardClientPlugin(): Promise<Plugin>;
export function bundleFunctionsApp(options: { entry: string; outdir: string; dashboardPlugin?: Plugin }): Promise<void>;

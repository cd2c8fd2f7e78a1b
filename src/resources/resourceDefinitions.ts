// The Azure resources the app uses. Adding one is a new file beside this one, its tests, and a line here.
import { arm } from "./arm.js";
import type { ResourceDefinition } from "./resourceDefinition.js";
import { quantum } from "./quantum.js";
import { storage } from "./storage.js";
import { webPubSub } from "./webPubSub.js";

export const resourceDefinitions: readonly ResourceDefinition[] = [storage, webPubSub, quantum, arm];

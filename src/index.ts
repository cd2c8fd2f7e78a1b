// The Functions app's entry point (package.json `main`): the app with its Azure resources.
import { registerApp } from "./app.js";

registerApp();

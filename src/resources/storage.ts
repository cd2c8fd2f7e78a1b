// Azure Blob Storage: the blob API's container and the timer probe's history, reached with a bearer token
// for https://storage.azure.com. Data actions and the role are the built-in role definition's
// (learn: built-in-roles/storage "Storage Blob Data Contributor", ba92f5b4-2d11-453d-a403-e96b0029c9fe).
import type { TokenCredential } from "@azure/core-auth";
import { z } from "zod";
import { armResourceIdSchema, httpsEndpointSchema } from "../config.js";
import { createBlobService, createBlobServiceClient, isContainerNotFound, type BlobService } from "../services/blob/blobService.js";
import { createProbeHistory, type ProbeHistory } from "../services/blob/probeHistory.js";
import { perCredential, type ResourceDefinition } from "./resourceDefinition.js";
import { storageFailures } from "./storageFailures.js";

export interface StorageSettings {
  readonly endpoint: string;
  readonly container: string;
  readonly historyContainer: string;
  readonly accountId: string | undefined;
}

export interface StorageService {
  readonly blobs: BlobService;
  readonly history: ProbeHistory;
}

// Container names: 3–63 lowercase letters, digits and single hyphens, starting with a letter or digit.
const containerName = z
  .string()
  .trim()
  .regex(/^(?=.{3,63}$)[a-z0-9]+(-[a-z0-9]+)*$/, "must be 3-63 lowercase letters, digits and single hyphens");

const blobData = "Microsoft.Storage/storageAccounts/blobServices/containers/blobs";

export const storage: ResourceDefinition<StorageSettings, StorageService> = {
  component: "storage",
  displayName: "Blob Storage",
  audience: "https://storage.azure.com",
  endpointSetting: "AZURE_STORAGE_BLOB_ENDPOINT",
  settingNames: ["AZURE_STORAGE_BLOB_ENDPOINT", "AZURE_STORAGE_CONTAINER", "PROBE_HISTORY_CONTAINER", "AZURE_STORAGE_ACCOUNT_ID"],
  scopeSetting: "AZURE_STORAGE_ACCOUNT_ID",
  dataRole: { name: "Storage Blob Data Contributor", id: "ba92f5b4-2d11-453d-a403-e96b0029c9fe" },
  failureSignatures: storageFailures,
  operations: {
    // List Blobs needs blobs/read; a control-plane role (Reader: containers/read) does not pass it.
    listBlobs: { dataActions: [`${blobData}/read`] },
    readBlob: { dataActions: [`${blobData}/read`] },
    // Put Blob: write to replace, add/action to create.
    writeBlob: { dataActions: [`${blobData}/write`, `${blobData}/add/action`] },
    deleteBlob: { dataActions: [`${blobData}/delete`] },
  },
  accessOperation: "listBlobs",

  readSettings(reader) {
    const endpoint = reader.parse("AZURE_STORAGE_BLOB_ENDPOINT", httpsEndpointSchema);
    const container = reader.parse("AZURE_STORAGE_CONTAINER", containerName, "identity-probe");
    const historyContainer = reader.parse("PROBE_HISTORY_CONTAINER", containerName, "probe-history");
    const accountId = reader.parse("AZURE_STORAGE_ACCOUNT_ID", armResourceIdSchema);
    return endpoint ? { endpoint, container, historyContainer, accountId } : undefined;
  },

  accessTarget: (settings) => ({
    componentId: `${settings.endpoint}/${settings.container}`,
    endpoint: settings.endpoint,
    scope: settings.accountId,
  }),

  createAccessCheck(settings) {
    const containerFor = perCredential((credential: TokenCredential) =>
      createBlobServiceClient(settings.endpoint, credential, { retries: 0 }).getContainerClient(settings.container),
    );
    return async (credential, abortSignal) => {
      // Listing one blob needs the data role the blob API needs: a token alone does not pass this.
      const container = containerFor(credential);
      const listOne = () => container.listBlobsFlat({ abortSignal }).byPage({ maxPageSize: 1 }).next();
      try {
        await listOne();
      } catch (error) {
        if (!isContainerNotFound(error)) throw error;
        // Bicep creates the containers in Azure; a fresh local stack gets them on first use.
        await container.createIfNotExists({ abortSignal });
        await listOne();
      }
    };
  },

  createService: (settings, credential: TokenCredential) => ({
    blobs: createBlobService(settings, credential),
    history: createProbeHistory(settings, credential),
  }),
  probeHistory: (service) => service.history,
};

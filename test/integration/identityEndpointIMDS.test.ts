import { describeIdentityEndpoint } from "../fixtures/identityEndpointSuite.js";

describeIdentityEndpoint("IMDS");

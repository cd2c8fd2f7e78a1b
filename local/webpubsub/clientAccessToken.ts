// Client access tokens, as WebPubSub_GenerateClientToken returns them and the client endpoint accepts
// them: a JWT with `aud` = `<endpoint>/client/hubs/<hub>`, `sub` = userId, `role` = the client roles,
// `webpubsub.group` = groups to join on connect, `exp` from minutesToExpire. The real service signs with
// the resource's access key (HS256, as @azure/web-pubsub does in key mode); the emulator signs with a key
// it generates at start and never reveals, so only tokens it issued are accepted.
import { randomBytes } from "node:crypto";
import { SignJWT, jwtVerify, errors } from "jose";

export interface ClientTokenClaims {
  readonly userId: string | undefined;
  readonly roles: readonly string[];
  readonly groups: readonly string[];
}

export type ClientTokenVerification =
  { readonly ok: true; readonly claims: ClientTokenClaims } | { readonly ok: false; readonly message: string };

export interface ClientAccessTokens {
  issue(options: {
    audience: string;
    userId?: string;
    roles: readonly string[];
    groups: readonly string[];
    minutesToExpire: number;
  }): Promise<string>;
  verify(token: string, audience: string): Promise<ClientTokenVerification>;
}

function stringArray(value: unknown): string[] {
  if (typeof value === "string") return [value];
  return Array.isArray(value) ? value.filter((item): item is string => typeof item === "string") : [];
}

export function createClientAccessTokens(): ClientAccessTokens {
  const key = randomBytes(32);
  return {
    async issue({ audience, userId, roles, groups, minutesToExpire }) {
      const jwt = new SignJWT({
        ...(roles.length > 0 ? { role: [...roles] } : {}),
        ...(groups.length > 0 ? { "webpubsub.group": [...groups] } : {}),
      })
        .setProtectedHeader({ alg: "HS256", typ: "JWT" })
        .setAudience(audience)
        .setIssuedAt()
        .setExpirationTime(`${minutesToExpire}m`);
      if (userId !== undefined) jwt.setSubject(userId);
      return jwt.sign(key);
    },
    async verify(token, audience) {
      try {
        // Hub names are case-insensitive in the service, so the audience is compared case-insensitively.
        const { payload } = await jwtVerify(token, key, { algorithms: ["HS256"], clockTolerance: 30, requiredClaims: ["exp", "aud"] });
        const audiences = stringArray(payload.aud).map((value) => value.toLowerCase().replace(/\/$/, ""));
        if (!audiences.includes(audience.toLowerCase().replace(/\/$/, "")))
          return { ok: false, message: "The access token audience does not match this hub." };
        return {
          ok: true,
          claims: {
            userId: typeof payload.sub === "string" && payload.sub.length > 0 ? payload.sub : undefined,
            roles: stringArray(payload.role),
            groups: stringArray(payload["webpubsub.group"]),
          },
        };
      } catch (error) {
        if (error instanceof errors.JWTExpired) return { ok: false, message: "The access token has expired." };
        return { ok: false, message: "The access token is invalid." };
      }
    },
  };
}

// What the dev host answers when Node's HTTP parser refuses a request before there is one to route
// (http.Server `clientError`, with `err.code` from llhttp), and to CONNECT (`connect`). Node's own answers
// are empty-bodied 400/431/408/413, or none for CONNECT; these are the same refusals as problem+json,
// like every other answer of the host. Statuses: RFC 9110 §15 (414 for a request target too long, 431
// for header fields too large, 501 for a method the server does not implement), RFC 9112 §6.3 (a message
// with both Transfer-Encoding and Content-Length is an error; the connection closes).
import { maxHeaderSize } from "node:http";

export interface TransportRefusal {
  readonly status: number;
  readonly title: string;
  readonly detail: string;
}

/** The parts of Node's parse error the mapping reads (`code`, and `rawPacket`: the bytes being parsed). */
export interface ClientErrorLike {
  readonly code?: string | undefined;
  readonly rawPacket?: Buffer | undefined;
}

const headerLimit = `${maxHeaderSize} bytes, Node's --max-http-header-size`;

/**
 * Whether the request line itself overflowed Node's limit (which covers the request line and the header
 * fields together): the packet being parsed starts a request, and its line either runs past the limit or
 * does not end within the packet.
 */
function isRequestLineOverflow(rawPacket: Buffer | undefined): boolean {
  if (!rawPacket || !/^[!#$%&'*+.^_`|~0-9A-Za-z-]+ \S/.test(rawPacket.subarray(0, 64).toString("latin1"))) return false;
  const lineEnd = rawPacket.indexOf("\n");
  return lineEnd < 0 || lineEnd >= maxHeaderSize;
}

/** True when the packet starts with a method token and a space: a well-formed request line with a method Node does not know. */
function startsWithMethodToken(rawPacket: Buffer | undefined): boolean {
  return !!rawPacket && /^[!#$%&'*+.^_`|~0-9A-Za-z-]{1,32} /.test(rawPacket.subarray(0, 40).toString("latin1"));
}

/** The refusal for a parse error, or undefined when there is nobody to answer (the client went away). */
export function refusalFor(error: ClientErrorLike): TransportRefusal | undefined {
  switch (error.code) {
    case "ECONNRESET":
    case "EPIPE":
      return undefined;
    case "HPE_HEADER_OVERFLOW":
      return isRequestLineOverflow(error.rawPacket)
        ? { status: 414, title: "URI Too Long", detail: `The request target is longer than the host accepts (${headerLimit}).` }
        : {
            status: 431,
            title: "Request Header Fields Too Large",
            detail: `The request line and header fields are larger than the host accepts (${headerLimit}).`,
          };
    case "HPE_INVALID_METHOD":
      return startsWithMethodToken(error.rawPacket)
        ? { status: 501, title: "Not Implemented", detail: "The request method is not one the host implements." }
        : { status: 400, title: "Bad Request", detail: "The request does not start with an HTTP/1.1 request line." };
    case "HPE_INVALID_URL":
      return {
        status: 400,
        title: "Bad Request",
        detail: "The request target contains a character that is not allowed (such as NUL or a control character).",
      };
    case "HPE_INVALID_TRANSFER_ENCODING":
    case "HPE_UNEXPECTED_CONTENT_LENGTH":
      return {
        status: 400,
        title: "Bad Request",
        detail: "The request's Transfer-Encoding cannot be used: it comes with a Content-Length, or it does not end in chunked.",
      };
    case "HPE_INVALID_CONTENT_LENGTH":
      return { status: 400, title: "Bad Request", detail: "The request's Content-Length is not a single whole number." };
    case "HPE_CHUNK_EXTENSIONS_OVERFLOW":
      return { status: 413, title: "Payload Too Large", detail: "The request's chunk extensions are larger than the host accepts." };
    case "ERR_HTTP_REQUEST_TIMEOUT":
      return { status: 408, title: "Request Timeout", detail: "The request did not arrive in full within the host's request timeout." };
    default:
      return {
        status: 400,
        title: "Bad Request",
        detail: `The request is not valid HTTP/1.1${error.code && /^[A-Z_]{1,64}$/.test(error.code) ? ` (${error.code})` : ""}.`,
      };
  }
}

/** CONNECT asks for a tunnel; the host is an origin server, not a proxy. */
export const connectRefusal: TransportRefusal = {
  status: 501,
  title: "Not Implemented",
  detail: "The host does not implement CONNECT: it serves functions, it is not a proxy.",
};

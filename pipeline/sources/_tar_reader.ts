/**
 * A streaming tar reader: 512-byte headers (POSIX ustar, GNU long names `L`, pax extended headers `x`),
 * member bodies handed out as streams and never buffered whole. Each member must be consumed (or left)
 * before the next one is requested; what is left unread is skipped.
 */
import { UserError } from "../../core/user_error.ts";
import { ByteReader } from "./_byte_reader.ts";

const BLOCK = 512;
/** Longest GNU long name / pax header kept in memory; anything larger is not a real header. */
const MAX_META_BYTES = 1 << 20;

/** One regular file in a tar archive. */
export interface TarMember {
  /** The member's path inside the archive (pax `path`, GNU long name, or ustar prefix + name). */
  name: string;
  /** Size of the body in bytes. */
  size: number;
  /** The body; read it (or not) before asking for the next member. */
  body: ReadableStream<Uint8Array>;
}

const decoder = new TextDecoder();

function text(block: Uint8Array, start: number, length: number): string {
  const field = block.subarray(start, start + length);
  const end = field.indexOf(0);
  return decoder.decode(end === -1 ? field : field.subarray(0, end));
}

/** An octal number field, or GNU base-256 (high bit of the first byte set) for sizes of 8 GiB and more. */
function number(block: Uint8Array, start: number, length: number): number {
  const field = block.subarray(start, start + length);
  if (field[0] & 0x80) {
    let value = field[0] & 0x7f;
    for (let i = 1; i < field.length; i++) value = value * 256 + field[i];
    return value;
  }
  const digits = text(block, start, length).trim();
  if (digits === "") return 0;
  if (!/^[0-7]+$/.test(digits)) return NaN;
  return parseInt(digits, 8);
}

/** The header checksum: the unsigned byte sum with the checksum field itself read as spaces. */
function checksumMatches(block: Uint8Array): boolean {
  const stored = number(block, 148, 8);
  let unsigned = 0;
  let signed = 0;
  for (let i = 0; i < BLOCK; i++) {
    const byte = i >= 148 && i < 156 ? 0x20 : block[i];
    unsigned += byte;
    signed += byte > 127 ? byte - 256 : byte; // some old tars summed signed chars
  }
  return stored === unsigned || stored === signed;
}

/** True when `block` (the first 512 bytes of a stream) is a tar header: used to sniff content. */
export function looksLikeTar(block: Uint8Array): boolean {
  if (block.length < BLOCK) return false;
  if (block.every((byte) => byte === 0)) return false;
  return checksumMatches(block);
}

/** Parses pax extended header records: `LENGTH key=value\n`, LENGTH counting the bytes of the record. */
function paxRecords(bytes: Uint8Array): Map<string, string> {
  const records = new Map<string, string>();
  let at = 0;
  while (at < bytes.length) {
    const space = bytes.indexOf(0x20, at);
    if (space === -1) break;
    const length = parseInt(decoder.decode(bytes.subarray(at, space)), 10);
    if (!(length > space - at)) break;
    const record = decoder.decode(bytes.subarray(space + 1, at + length - 1)); // drop the "\n"
    const equals = record.indexOf("=");
    if (equals !== -1) records.set(record.slice(0, equals), record.slice(equals + 1));
    at += length;
  }
  return records;
}

/**
 * The regular files of the tar stream `archive`, in archive order. Directories, links and devices are
 * skipped. A corrupt header (bad checksum) or a stream that ends inside a member is a UserError naming
 * `label` (and the member).
 */
export async function* readTar(
  archive: ReadableStream<Uint8Array>,
  label: string,
): AsyncGenerator<TarMember> {
  const reader = new ByteReader(archive);
  let longName: string | null = null;
  let pax = new Map<string, string>();
  try {
    while (true) {
      const offset = reader.position;
      const header = await reader.readExactly(BLOCK);
      if (header.length === 0) return; // no end-of-archive blocks: tolerated, as GNU tar does
      if (header.length < BLOCK) {
        throw new UserError(`${label}: truncated tar archive (header at byte ${offset})`);
      }
      if (header.every((byte) => byte === 0)) return; // end of archive
      if (!checksumMatches(header)) {
        throw new UserError(`${label}: corrupt tar header at byte ${offset} (checksum mismatch)`);
      }
      const type = String.fromCharCode(header[156] || 0x30);
      const magic = text(header, 257, 6);
      let name = text(header, 0, 100);
      // The ustar prefix field; GNU's "ustar  " format keeps other data at those bytes.
      if (magic === "ustar" && header[263] === 0x30) {
        const prefix = text(header, 345, 155);
        if (prefix) name = `${prefix}/${name}`;
      }
      const isMeta = type === "L" || type === "x" || type === "g" || type === "K";
      let size = number(header, 124, 12);
      if (!isMeta && pax.has("size")) size = Number(pax.get("size")); // pax holds sizes of 8 GiB and up
      if (!Number.isSafeInteger(size) || size < 0) {
        throw new UserError(`${label}: corrupt tar header at byte ${offset} (bad size)`);
      }
      const padding = (BLOCK - (size % BLOCK)) % BLOCK;

      if (isMeta) {
        if (size > MAX_META_BYTES) {
          throw new UserError(
            `${label}: corrupt tar header at byte ${offset} (huge ${type} record)`,
          );
        }
        const body = await reader.readExactly(size);
        if (body.length < size || (await reader.skip(padding)) < padding) {
          throw new UserError(`${label}: truncated tar archive (header at byte ${offset})`);
        }
        if (type === "L") longName = text(body, 0, body.length);
        else if (type === "x") pax = paxRecords(body);
        continue; // "g" (global pax) and "K" (long link name) do not change what we read
      }

      name = pax.get("path") ?? longName ?? name;
      longName = null;
      pax = new Map();
      const memberLabel = `${label}:${name}`;
      let remaining = size;
      // "\0" is an old (v7) regular file, unless its name ends with "/" (then a directory).
      const isFile = type === "7" || (type === "0" && !name.endsWith("/"));
      if (isFile) {
        const body = new ReadableStream<Uint8Array>({
          async pull(controller) {
            if (remaining === 0) return controller.close();
            const bytes = await reader.read(remaining);
            if (bytes === null) {
              throw new UserError(`${memberLabel}: truncated tar archive (member ends early)`);
            }
            remaining -= bytes.length;
            controller.enqueue(bytes);
          },
        }, { highWaterMark: 0 });
        yield { name, size, body };
      }
      if ((await reader.skip(remaining + padding)) < remaining + padding) {
        throw new UserError(`${memberLabel}: truncated tar archive (member ends early)`);
      }
    }
  } finally {
    await reader.cancel();
  }
}

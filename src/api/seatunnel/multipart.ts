// A minimal multipart/form-data reader for /submit-job/upload (one small config file per request).

export interface FormPart {
  name: string;
  filename?: string;
  body: Buffer;
}

/** Splits a multipart body; returns undefined when the content type has no boundary. */
export function parseMultipart(contentType: string, body: Buffer): FormPart[] | undefined {
  const m = /boundary=(?:"([^"]+)"|([^;]+))/i.exec(contentType);
  if (!m) return undefined;
  const boundary = Buffer.from(`--${(m[1] ?? m[2]).trim()}`);
  const parts: FormPart[] = [];
  let pos = body.indexOf(boundary);
  while (pos >= 0) {
    let start = pos + boundary.length;
    if (body.subarray(start, start + 2).toString() === '--') break;
    if (body.subarray(start, start + 2).toString() === '\r\n') start += 2;
    const headerEnd = body.indexOf('\r\n\r\n', start);
    if (headerEnd < 0) break;
    const headers = body.subarray(start, headerEnd).toString('utf8');
    const next = body.indexOf(boundary, headerEnd + 4);
    if (next < 0) break;
    // The part's data ends before the CRLF that precedes the next boundary.
    let end = next;
    if (body[end - 2] === 13 && body[end - 1] === 10) end -= 2;
    const disposition = /content-disposition:[^\r\n]*/i.exec(headers)?.[0] ?? '';
    const name = /\bname="([^"]*)"/i.exec(disposition)?.[1];
    const filename = /\bfilename="([^"]*)"/i.exec(disposition)?.[1];
    if (name !== undefined) parts.push({ name, filename, body: body.subarray(headerEnd + 4, end) });
    pos = next;
  }
  return parts;
}

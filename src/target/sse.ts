export interface SseEvent {
  event: string;
  data: string;
  id?: string;
}

/** Parses a server-sent-event byte stream into events, as they complete. */
export async function* parseSse(body: AsyncIterable<Buffer | string> | Iterable<Buffer | string>): AsyncGenerator<SseEvent> {
  let buffer = "";
  let event: Partial<SseEvent> & { dataLines: string[] } = { dataLines: [] };
  const decoder = new TextDecoder();
  for await (const chunk of body) {
    buffer += typeof chunk === "string" ? chunk : decoder.decode(chunk, { stream: true });
    let newline: number;
    while ((newline = buffer.search(/\r\n|\r|\n/)) >= 0) {
      const line = buffer.slice(0, newline);
      const breakLength = buffer.startsWith("\r\n", newline) ? 2 : 1;
      buffer = buffer.slice(newline + breakLength);
      if (line === "") {
        if (event.dataLines.length > 0 || event.event !== undefined) {
          const done: SseEvent = { event: event.event ?? "message", data: event.dataLines.join("\n") };
          if (event.id !== undefined) done.id = event.id;
          yield done;
        }
        event = { dataLines: [] };
        continue;
      }
      if (line.startsWith(":")) continue;
      const colon = line.indexOf(":");
      const field = colon < 0 ? line : line.slice(0, colon);
      const value = colon < 0 ? "" : line.slice(colon + 1).replace(/^ /, "");
      if (field === "event") event.event = value;
      else if (field === "data") event.dataLines.push(value);
      else if (field === "id") event.id = value;
    }
  }
}

/** The most one event (or one unfinished line) may hold; a stream that never breaks a line is broken. */
export const MAX_EVENT_CHARS = 16 * 1024 * 1024;
/** Parses a server-sent-event byte stream into events, as they complete. */
export async function* parseSse(body, maxEventChars = MAX_EVENT_CHARS) {
    let buffer = "";
    let event = { dataLines: [] };
    let eventChars = 0;
    const decoder = new TextDecoder();
    for await (const chunk of body) {
        buffer += typeof chunk === "string" ? chunk : decoder.decode(chunk, { stream: true });
        if (buffer.length + eventChars > maxEventChars) {
            throw new Error(`the stream sent an event longer than ${Math.round(maxEventChars / 1024 / 1024)} MiB`);
        }
        let newline;
        while ((newline = buffer.search(/\r\n|\r|\n/)) >= 0) {
            const line = buffer.slice(0, newline);
            const breakLength = buffer.startsWith("\r\n", newline) ? 2 : 1;
            buffer = buffer.slice(newline + breakLength);
            if (line === "") {
                if (event.dataLines.length > 0 || event.event !== undefined) {
                    const done = { event: event.event ?? "message", data: event.dataLines.join("\n") };
                    if (event.id !== undefined)
                        done.id = event.id;
                    yield done;
                }
                event = { dataLines: [] };
                eventChars = 0;
                continue;
            }
            if (line.startsWith(":"))
                continue;
            const colon = line.indexOf(":");
            const field = colon < 0 ? line : line.slice(0, colon);
            const value = colon < 0 ? "" : line.slice(colon + 1).replace(/^ /, "");
            if (field === "event")
                event.event = value;
            else if (field === "data") {
                event.dataLines.push(value);
                eventChars += value.length;
            }
            else if (field === "id")
                event.id = value;
        }
    }
}

/**
 * Reads until `settled` takes the answer as final, backing off from `firstMs` to `maxMs` between
 * reads; once `deadline` has passed, the last answer, not settled.
 */
export async function pollUntil(deadline, firstMs, maxMs, read, settled) {
    let delay = firstMs;
    for (;;) {
        const answer = await read();
        if (settled(answer))
            return { answer, settled: true };
        if (Date.now() > deadline)
            return { answer, settled: false };
        await new Promise((r) => setTimeout(r, delay));
        delay = Math.min(delay * 2, maxMs);
    }
}

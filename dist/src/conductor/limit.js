/** Runs at most `size` tasks at once, in the order they asked. */
export class Limit {
    size;
    active = 0;
    waiting = [];
    constructor(size) {
        this.size = size;
    }
    async run(task) {
        if (this.active >= this.size)
            await new Promise((resolve) => this.waiting.push(resolve));
        this.active += 1;
        try {
            return await task();
        }
        finally {
            this.active -= 1;
            this.waiting.shift()?.();
        }
    }
}

import { asRecord, stringField } from "../../json.js";
/** The marker a run in an answer carries in its metadata, if the answer shows one. */
function markerOf(run) {
    return stringField(asRecord(run)?.metadata, "lgwc_marker");
}
/**
 * The run a batch answer holds for each item the suite sent, in the order sent. Each item carries
 * a marker of its own in its metadata, so a run showing one is that item's wherever the answer
 * lists it, and a run given another item's webhook is still paired with its own item (where its
 * webhook then shows the crossing). A run showing no marker keeps its place in the answer, the
 * order the published API gives.
 */
export function pairByMarker(markers, runs) {
    return markers.map((marker, i) => {
        const marked = runs.find((run) => markerOf(run) === marker);
        if (marked !== undefined)
            return marked;
        const placed = runs[i];
        return placed !== undefined && markerOf(placed) === undefined ? placed : undefined;
    });
}

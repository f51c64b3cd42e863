// The shape of one Corridor lifecycle on lome-ouaga, as the transit workflow runs it: seven
// updates (lodge, then six officers' acts), each running its national system calls in
// waves (a wave's calls run together). Twelve activities in all. The benchmark checks this
// against a real transit's history and reports both, so a change to the workflow that
// changes its shape shows up instead of silently skewing the ratio.
export interface FloorShape {
  /** Per update, in order: how many activities each successive wave runs at once. */
  steps: number[][];
}

export const lomeOuagaShape: FloorShape = {
  steps: [
    [1, 1], // lodge: register the declaration, reserve the guarantee
    [1, 1], // release: record the release, then the AAR to Burkina
    [1], // border-arrival
    [1], // exit
    [1], // entry
    [1], // arrival
    [1, 1, 2], // control-results: record them, discharge, then write-off and guarantee release together
  ],
};

export const activityCount = (shape: FloorShape) => shape.steps.flat().reduce((a, b) => a + b, 0);

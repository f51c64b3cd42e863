// Every workflow the `transits` task queue runs.
export { transit } from './transit.ts';
export { overdueReport } from './overdue-report.ts';
export { journalFeed } from './journal-feed.ts';
export { archiver } from './archiver.ts';
export { reconciliation } from './reconciliation.ts';

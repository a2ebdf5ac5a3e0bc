export { startLiveFeed, toLiveCdr, RATED_SUBJECTS, PUSHES_PER_SEC, type LiveFeed } from './feed.ts';
export { LiveCoalescer, type LiveCdr, type LiveSnapshot } from './coalescer.ts';
export { attachSocket, joinRooms, nocRoles, NOC_ROOM, LIVE_EVENT } from './socket.ts';
export { maskMsisdn } from './mask.ts';

export {
  encodeHeader,
  encodeLine,
  decodeHeader,
  decodeLine,
  RecordingError,
  type RecordedMessage,
  type RecordingHeader,
} from './format.ts';
export { restampPayload } from './restamp.ts';
export { Recorder, openRecording, type SendRecorder } from './recorder.ts';
export { replayRecording, ReplayOptionsError, type ReplayOptions, type ReplayProgress } from './replayer.ts';

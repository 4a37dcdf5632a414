export { authHeaders, captureToken } from './auth.ts';
export {
  type Api,
  ApiError,
  createApi,
  type MembershipChange,
  type MembershipTransition,
  type ReadAnswer,
  type WriteAnswer,
} from './client.ts';
export { paths, streamUrl } from './paths.ts';

/** The configuration changer and the helpers around configuration changes. */

export { Changer, type ConfChangeErrorCode, type ConfChangeResult } from './changer.ts';
export {
  decodeConfChange,
  decodeConfChangeV2,
  encodeConfChange,
  encodeConfChangeV2,
} from './codec.ts';
export { confStatesEqual, confStateToString } from './confstate.ts';
export {
  asV2,
  ConfChangeStringError,
  type ConfChangesParse,
  confChangesFromString,
  confChangesToString,
  enterJoint,
  isConfChangeV2,
  leaveJoint,
  parseConfChanges,
} from './conv.ts';
export { confStateToChanges, restore } from './restore.ts';

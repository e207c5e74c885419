/** RFC 2136 / TSIG outcomes -> zonekeeper error codes. */
import { AppError, type Evidence } from '../../core/errors.ts';
import { rcodeName } from '../../dns/answers.ts';
import { RCODE } from '../../dns/wire.ts';
import { TSIG_ERROR } from '../../signing/tsig.ts';

export { rcodeName };

/**
 * A TSIG error from the server. BIND checks the key, then the MAC, then the
 * time: BADSIG therefore means the secret (or algorithm) is wrong whatever
 * the clock says, and BADKEY that the server has no key of that name.
 */
export function tsigFailure(error: number, evidence: Evidence): AppError {
  const e = { ...evidence, tsigError: error };
  switch (error) {
    case TSIG_ERROR.BADSIG:
      return new AppError('TSIG_BADSIG', { evidence: e });
    case TSIG_ERROR.BADKEY:
      return new AppError('TSIG_BADKEY', { evidence: e });
    case TSIG_ERROR.BADTIME:
      return new AppError('TSIG_BADTIME', { evidence: e });
    default:
      return new AppError('TSIG_RESPONSE_INVALID', { evidence: e });
  }
}

/** A non-NOERROR rcode on an UPDATE (after TSIG was dealt with). */
export function updateFailure(rcode: number, evidence: Evidence): AppError {
  const e = { ...evidence, rcode: rcodeName(rcode) };
  switch (rcode) {
    case RCODE.REFUSED:
      return new AppError('UPDATE_REFUSED', { evidence: e });
    case RCODE.NOTAUTH:
      return new AppError('UPDATE_NOTAUTH', { evidence: e });
    case RCODE.NOTZONE:
      return new AppError('UPDATE_NOTZONE', { evidence: e });
    case RCODE.SERVFAIL:
      return new AppError('UPDATE_FAILED', { evidence: e, retryable: true });
    default:
      return new AppError('UPDATE_FAILED', { evidence: e });
  }
}

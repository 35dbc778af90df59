// A user as the sandbox stores it (src/mock/sandbox/world.ts's StoredUser), valid for the state
// file's checks, for the unit tests of the world and the stores.
import type { StoredUser } from "../../src/mock/sandbox/world.js";

/** A user with every field a stored one has; with a KYC session when `sessionToken` is given. */
export const storedUser = (externalUserId: string, sessionToken?: string): StoredUser => ({
  externalUserId,
  userId: "3f0e8d3c-1a2b-4c5d-8e9f-0a1b2c3d4e5f",
  model: "kyc",
  kycFiles: 0,
  verification: "none",
  poaRequired: false,
  poa: "none",
  extended: false,
  suspended: false,
  balancesGenerated: false,
  ...(sessionToken && {
    kyc: {
      verificationId: "v1",
      verificationStatus: "NOT_VERIFIED",
      attemptStatus: "PENDING",
      rejectionReason: null,
      sessionToken,
    },
  }),
  data: {},
  balances: { fiatBalances: [], cryptoBalances: [] },
  transactions: [],
});

// The lifecycle rules of onboarding, in the P100 API's order: creating a user (with or without
// KYC), Method A's KYC files and Add User Verification, KYC by P100 (Method B: Creating KYC
// Verification, Redirect to Verification, Get KYC Status) and the proof of address. Gathered with
// the others in src/mock/sandbox/rules.ts.
import { kycSessionUrl, loadingPage } from "../kyc-pages.js";
import { generateBalances, kycStatusOf, newUser, poaCountryList, sendKycStatus } from "./effects.js";
import { error, known, kycOf, message, type Rule, send, suspendedUser, unknownUser } from "./kit.js";

const alreadyUsed = (operation: string): Rule => ({
  operation,
  when: "the externalUserId is already used",
  result: "400 P411",
  source: "inferred",
  applies: (ctx) => !!ctx.user,
  outcome: "refused",
  refuse: () => error("P411"),
});

export const onboardingRules: Rule[] = [
  alreadyUsed("createUser"),
  {
    operation: "createUser",
    when: "otherwise",
    result: `200 with a new userId; poaRequiredForExtended when the country is ${poaCountryList}`,
    source: "documented",
    applies: () => true,
    outcome: "changed",
    change: (ctx) => {
      const user = newUser(ctx, "kyc");
      return { status: 200, body: { userId: user.userId, poaRequiredForExtended: user.poaRequired } };
    },
  },
  alreadyUsed("createUserWithoutKyc"),
  {
    operation: "createUserWithoutKyc",
    when: "otherwise",
    result: "200 with a new userId and its balances, created at once",
    source: "documented",
    applies: () => true,
    outcome: "changed",
    change: (ctx) => {
      const user = newUser(ctx, "nonKyc");
      return {
        status: 200,
        body: { userId: user.userId, balances: [...user.balances.fiatBalances, ...user.balances.cryptoBalances] },
      };
    },
  },
  unknownUser("addKycFile"),
  suspendedUser("addKycFile"),
  {
    operation: "addKycFile",
    when: "the upload was set to fail (POST /_sandbox/users/{id}/kyc-files/fail-next)",
    result: "201; a KYC File Added webhook ERROR; the file is not counted",
    source: "documented",
    evidence: "KYC File Added: ERROR, could not be processed (webhooks.md)",
    applies: (ctx) => known(ctx).nextKycFileError === true,
    outcome: "changed",
    change: (ctx) => {
      delete known(ctx).nextKycFileError;
      send(ctx.world, "kycFileAdded", { externalUserId: ctx.externalUserId, status: "ERROR" });
      return { status: 201 };
    },
  },
  {
    operation: "addKycFile",
    when: "otherwise",
    result: "201; a KYC File Added webhook ADDED",
    source: "documented",
    applies: () => true,
    outcome: "changed",
    change: (ctx) => {
      known(ctx).kycFiles++;
      send(ctx.world, "kycFileAdded", { externalUserId: ctx.externalUserId, status: "ADDED" });
      return { status: 201 };
    },
  },
  unknownUser("createKycVerification"),
  {
    operation: "createKycVerification",
    when: "otherwise",
    result:
      "200 with a new verificationId; the verification is NOT_VERIFIED, its attempt PENDING (a KYC Verification Status webhook); it replaces an earlier one",
    source: "inferred",
    applies: () => true,
    outcome: "changed",
    change: (ctx) => {
      const user = known(ctx);
      const { documentType, country } = ctx.body;
      user.kyc = {
        verificationId: crypto.randomUUID(),
        verificationStatus: "NOT_VERIFIED",
        attemptStatus: "PENDING",
        rejectionReason: null,
        sessionToken: crypto.randomUUID(),
        ...(typeof documentType === "string" ? { documentType } : {}),
        ...(typeof country === "string" ? { country } : {}),
      };
      sendKycStatus(ctx.world, user);
      return { status: 200, body: { verificationId: user.kyc.verificationId } };
    },
  },
  unknownUser("redirectToVerification", "documented"),
  {
    operation: "redirectToVerification",
    when: "the user has no verification with this verificationId",
    result: "404 P445",
    source: "inferred",
    applies: (ctx) => known(ctx).kyc?.verificationId !== ctx.params?.verificationId,
    outcome: "refused",
    refuse: () => error("P445", 404),
  },
  {
    operation: "redirectToVerification",
    when: "otherwise",
    result:
      "200 text/html: a loading page whose script sends the browser on to the hosted stand-in page /_sandbox/kyc-session/{sessionToken}",
    source: "documented",
    applies: () => true,
    outcome: "unchanged",
    read: (ctx) => ({
      status: 200,
      contentType: "text/html",
      body: loadingPage(kycSessionUrl(ctx.host, kycOf(known(ctx)))),
    }),
  },
  unknownUser("getKycStatus", "documented"),
  {
    operation: "getKycStatus",
    when: "no verification was created",
    result: "404 P445",
    source: "documented",
    applies: (ctx) => !known(ctx).kyc,
    outcome: "refused",
    refuse: () => error("P445", 404),
  },
  {
    operation: "getKycStatus",
    when: "otherwise",
    result: "200 with the verification's verificationStatus, attemptStatus and rejectionReason (the body is inferred)",
    source: "inferred",
    applies: () => true,
    outcome: "unchanged",
    read: (ctx) => ({ status: 200, body: kycStatusOf(known(ctx)) }),
  },
  unknownUser("addPoaFile", "documented"),
  suspendedUser("addPoaFile"),
  {
    operation: "addPoaFile",
    when: "the POA is approved",
    result: "400 P447",
    source: "documented",
    applies: (ctx) => known(ctx).poa === "APPROVED",
    outcome: "refused",
    refuse: () => error("P447"),
  },
  {
    operation: "addPoaFile",
    when: "a POA is waiting for review",
    result: "202 P211",
    source: "documented",
    applies: (ctx) => known(ctx).poa === "WAITING",
    outcome: "refused",
    refuse: () => error("P211", 202),
  },
  {
    operation: "addPoaFile",
    when: "otherwise (none yet, rejected or questioned)",
    result: "201; the POA is WAITING; a POA Verification Status webhook WAITING",
    source: "documented",
    applies: () => true,
    outcome: "changed",
    change: (ctx) => {
      known(ctx).poa = "WAITING";
      send(ctx.world, "poaVerificationStatus", { externalUserId: ctx.externalUserId, status: "WAITING" });
      return { status: 201 };
    },
  },
  unknownUser("addUserVerification"),
  suspendedUser("addUserVerification"),
  {
    operation: "addUserVerification",
    when: "the user is already verified",
    result: "201; the user stays verified (a second submission does not undo the approval)",
    source: "inferred",
    applies: (ctx) => known(ctx).verification === "approved",
    outcome: "unchanged",
    read: () => message(201, "Verification data accepted"),
  },
  {
    operation: "addUserVerification",
    when: "the KYC by P100 verification is VERIFIED",
    result:
      "201; the user is verified; the balances are generated, and a User Balance Generation webhook ACTIVE follows",
    source: "documented",
    applies: (ctx) => known(ctx).kyc?.verificationStatus === "VERIFIED",
    outcome: "changed",
    change: (ctx) => {
      const user = known(ctx);
      user.verification = "approved";
      generateBalances(ctx.world, user);
      return message(201, "Verification data accepted");
    },
  },
  {
    operation: "addUserVerification",
    when: "otherwise",
    result: "201; the verification is pending until POST /_sandbox/users/{id}/verification/{approve|reject}",
    source: "inferred",
    applies: () => true,
    outcome: "changed",
    change: (ctx) => {
      known(ctx).verification = "pending";
      return message(201, "Verification data accepted");
    },
  },
];

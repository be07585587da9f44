/** Demo holders loaded by the server's --demo-data (server/src/demo.rs). */
export const DEMO = {
  zhangWei: { idNumber: "110105198001010016", password: "Demo2026zw", name: "张伟" },
  rareName: { idNumber: "320102199203154522", password: "Demo2026zz", name: "张𪚥" },
  noCertificates: { idNumber: "440106199512123319", password: "Demo2026lm", name: "李明" },
} as const;

export type DemoHolder = (typeof DEMO)[keyof typeof DEMO];

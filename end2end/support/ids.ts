/** A valid resident ID number (GB 11643 check character) that no other test uses. */
export function uniqueResidentId(): string {
  const seq = String(Math.floor(Math.random() * 1000)).padStart(3, "0");
  const day = String(1 + Math.floor(Math.random() * 28)).padStart(2, "0");
  const month = String(1 + Math.floor(Math.random() * 12)).padStart(2, "0");
  const year = 1960 + Math.floor(Math.random() * 40);
  const region = ["110105", "310104", "440106", "510107"][Math.floor(Math.random() * 4)];
  const first17 = `${region}${year}${month}${day}${seq}`;
  const weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
  const sum = [...first17].reduce((acc, d, i) => acc + Number(d) * weights[i], 0);
  return first17 + "10X98765432"[sum % 11];
}

/** The same number with a wrong check character. */
export function withWrongCheckChar(id: string): string {
  const last = id[17] === "1" ? "2" : "1";
  return id.slice(0, 17) + last;
}

export const PASSWORD = "Passw0rd-e2e";

/** A mainland mobile number no other test uses (codes are limited per number). */
export function uniqueMobile(): string {
  return "13" + String(Math.floor(Math.random() * 1e9)).padStart(9, "0");
}

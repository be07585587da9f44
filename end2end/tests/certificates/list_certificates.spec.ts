import { test, expect } from "../../fixtures";
import { logInAs } from "../../pages/accounts";
import { CertificatesPage } from "../../pages/certificates";
import { DEMO } from "../../support/demo";

test("the list shows valid and revoked certificates unmistakably", async ({ page, jsEnabled }) => {
  await logInAs(page, jsEnabled, DEMO.zhangWei);
  const list = new CertificatesPage(page, jsEnabled);
  await expect(list.heading("持证人查询下载")).toBeVisible();

  await expect(list.status("2023110100123456")).toHaveText(/有效/);
  await expect(list.status("2019110100888002")).toHaveText(/已撤销/);
  const revoked = list.row("2019110100888002");
  await expect(revoked).toContainText("已被收回和注销");
  await expect(revoked).toContainText("请联系证书发放机构：人力资源和社会保障部人事考试中心");
  await expect(revoked.getByRole("link", { name: "下载", exact: true })).toHaveCount(0);
  await expect(list.row("2023110100123456").getByRole("link", { name: "下载", exact: true })).toBeVisible();
  for (const field of ["卫生专业技术资格", "中级", "儿科学（主治医师）", "2023年6月30日"]) {
    await expect(list.row("2023110100123456")).toContainText(field);
  }
  await list.expectNoHorizontalScroll();

  await list.openDetails("2019110100888002");
  const fields = page.getByTestId("certificate-fields");
  await expect(fields).toContainText("2022年3月1日");
  await expect(fields).toContainText("考试违纪，成绩无效");
  await expect(fields).toContainText("1101**********0016");
  // 证书信息 prints as a clean record.
  await list.expectPrintable(fields);
});

test("an empty list explains its three reasons", async ({ page, jsEnabled }) => {
  await logInAs(page, jsEnabled, DEMO.noCertificates);
  const list = new CertificatesPage(page, jsEnabled);
  await expect(list.empty).toBeVisible();
  await expect(list.empty).toContainText("未取得证书");
  await expect(list.empty).toContainText("证书信息暂未上线");
  await expect(list.empty).toContainText("重新注册");
  await expect(list.empty).toContainText("2016年度以前");
  await list.empty.getByRole("link", { name: "为什么页面显示为空白？" }).click();
  await expect(page).toHaveURL(/\/faq#faq-blank$/);
  await expect(page.locator("#faq-blank")).toContainText("须使用更正后正确的姓名和证件号码重新注册");
});

test("details of someone else's certificate are not found", async ({ page, jsEnabled }) => {
  await logInAs(page, jsEnabled, DEMO.noCertificates);
  const list = new CertificatesPage(page, jsEnabled);
  const response = await page.goto("/certificates/aaaaaaaaaaaaaaaaaaaaaaaaaa");
  expect(response?.status()).toBe(404);
  await expect(list.heading("页面不存在")).toBeVisible();
});

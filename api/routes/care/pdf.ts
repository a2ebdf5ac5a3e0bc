import { existsSync } from 'node:fs';
import PDFDocument from 'pdfkit';

/** What a contract PDF shows: both parties, the plan, the terms, the devices and the signatures. */
export interface ContractContent {
  contractId: string;
  orderId: string;
  customerName: string;
  customerIdMasked: string;
  carrier: string;
  planName: string;
  monthlyFee: string;
  termMonths: number;
  terms: string[];
  devices: { model: string; quantity: number }[];
  signatures: { party: string; signer: string; atIso: string }[];
  createdAtMs: number;
}

/** Noto Sans CJK (Debian fonts-noto-cjk); without it the PDF falls back to Helvetica and Latin text. */
export const CJK_FONT = '/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc';

/**
 * Renders the contract deterministically (fixed creation date = contract time, no random ids) so
 * the same content always gives the same bytes and the same SHA-256.
 */
export function renderContractPdf(c: ContractContent, fontPath = CJK_FONT): Promise<Buffer> {
  const cjk = existsSync(fontPath);
  const doc = new PDFDocument({
    size: 'A4',
    margin: 50,
    info: {
      Title: `Contract ${c.contractId}`,
      Producer: 'StreamBSS',
      Creator: 'StreamBSS',
      CreationDate: new Date(c.createdAtMs),
    },
  });
  const chunks: Buffer[] = [];
  doc.on('data', (b: Buffer) => chunks.push(b));
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });
  if (cjk) doc.font(fontPath, 'NotoSansCJKsc-Regular');
  const t = (zh: string, en: string) => (cjk ? `${zh} / ${en}` : en);
  doc.fontSize(18).text(t('电信业务服务合同', 'Telecommunication Service Contract'), { align: 'center' });
  doc.moveDown().fontSize(10);
  doc.text(`${t('合同编号', 'Contract')}: ${c.contractId}    ${t('订单', 'Order')}: ${c.orderId}`);
  doc.text(`${t('甲方（运营商）', 'Party A (carrier)')}: ${c.carrier}`);
  doc.text(
    `${t('乙方（客户）', 'Party B (customer)')}: ${cjk ? c.customerName : '(name on file)'}  ${c.customerIdMasked}`,
  );
  doc
    .moveDown()
    .text(
      `${t('资费方案', 'Plan')}: ${cjk ? c.planName : '(see order)'}  ${c.monthlyFee} ${t('元/月', 'yuan/month')}`,
    );
  doc.text(`${t('合约期', 'Term')}: ${c.termMonths} ${t('个月', 'months')}`);
  if (c.devices.length)
    doc.text(`${t('设备', 'Devices')}: ${c.devices.map((d) => `${d.model} × ${d.quantity}`).join(', ')}`);
  doc.moveDown().text(t('条款', 'Terms'));
  c.terms.forEach((x, i) => doc.text(`${i + 1}. ${cjk ? x : x.replace(/[^\x20-\x7e]/g, '')}`));
  doc.moveDown().text(t('签署', 'Signatures'));
  for (const s of c.signatures) doc.text(`${s.party}: ${cjk ? s.signer : '(signed)'}  ${s.atIso}`);
  doc.end();
  return done;
}

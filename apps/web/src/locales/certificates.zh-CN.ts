/**
 * Messages of the certificates list and the public verification pages, spread into zh-CN.ts.
 * certificates.en-US.ts must have exactly the same keys. vue-i18n reserves { } @ $ |.
 */
const certificatesZhCN = {
  certificates: {
    title: '电子证照',
    intro: '审批办结后由审批部门出具并加盖电子签名的证照和决定书。扫描证照上的二维码或在“证照核验”页面输入核验码，任何人都可以核验其真伪。',
    searchPlaceholder: '搜索文号、项目或持证单位',
    empty: '暂无证照',
    col: {
      number: '文号',
      kind: '类型',
      title: '名称',
      holder: '持证单位',
      project: '项目',
      issueDate: '发证日期',
      validUntil: '有效期至',
      status: '状态',
    },
    kind: {
      certificate: '证照',
      decision_letter: '不予许可决定书',
    },
    status: {
      valid: '有效',
      revoked: '已吊销',
    },
    expired: '已过期',
    noExpiry: '长期',
    view: '查看',
    download: '下载 PDF',
    verify: '核验',
    revoke: '吊销',
    revokeTitle: '吊销证照 {number}',
    revokeHint: '吊销后，核验页面将显示该证照已吊销及原因，此操作不可撤销。',
    revokeReason: '吊销原因',
    revoked: '已吊销证照 {number}',
    pending: '正在出证…',
    failed: '出证失败，管理员将重新出证',
    uscc: '统一社会信用代码',
    matter: '审批事项',
    issuer: '发证机关',
  },
  verify: {
    title: '证照核验',
    navLink: '证照核验',
    intro: '输入证照上的 16 位核验码，或上传证照 PDF 文件，核验证照的真伪和当前状态。无需登录。',
    status: {
      authentic: '真实有效',
      revoked: '已吊销',
      unknown: '未找到',
      tampered: '验证失败',
    },
    desc: {
      authentic: '该证照由通办平台出具，记录与电子签名一致。',
      revoked: '该证照曾由通办平台出具，但已被吊销，不再有效。',
      unknown: '没有找到与该核验码对应的证照，请核对核验码。',
      tampered: '该证照的记录与电子签名不一致，可能已被篡改，请勿采信。',
    },
    revokedReason: '吊销原因：{reason}',
    revokedAt: '吊销时间：{at}',
    expired: '该证照已超过有效期。',
    checkedAt: '核验时间：{at}',
    badCode: '核验码为 16 位字母和数字（不含 I、L、O、U）',
    another: '核验其他证照',
    byCode: '输入核验码',
    codePlaceholder: '16 位核验码',
    codeLabel: '核验码',
    check: '核验',
    byPdf: '核验 PDF 文件',
    byPdfHint: '上传从平台下载或收到的证照 PDF，检查其电子签名：文件是否与出具时完全一致。文件不会被保存。',
    pickPdf: '选择 PDF 文件',
    pdf: {
      valid: '电子签名有效：文件与出具时完全一致',
      invalid: '电子签名无效：文件在出具后被修改过',
      unsigned: '该文件没有通办平台的电子签名',
      'unknown-key': '签名所用的密钥不是通办平台公布的密钥',
    },
  },
};

export default certificatesZhCN;

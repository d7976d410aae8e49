"""Facts 昌黎's rules read that core's model does not know.

Who pays the person's share (六, 四) uses the same three declarations as the Jiangsu
cities (``yibao_jiangsu.facts``), word for word, so a comparison across regions reads one
set of fields: a fact two regions declare must be declared alike (``tests`` checks it).
"""

from __future__ import annotations

from yibao.facts import Fact, Word

PAID_BY = Fact(
    name="paid_by",
    on="enrollment",
    type="choice",
    label_zh="个人缴费代缴方式",
    label_en="the person's share paid through",
    help_zh="学校代收代缴，或近亲属的职工医保个人账户（家庭共济）；不填即本人缴纳",
    help_en="the school collecting it, or a close relative's employee personal account "
    "(family pooling); empty: the person pays",
    values=(
        Word(code="school", name_zh="学校代收代缴", name_en="collected by the school"),
        Word(
            code="family_account",
            name_zh="近亲属职工医保个人账户（家庭共济）",
            name_en="a relative's employee account (family pooling)",
        ),
    ),
)

ACCOUNT_HOLDER = Fact(
    name="account_holder",
    on="enrollment",
    type="choice",
    label_zh="共济账户持有人关系",
    label_en="the account holder is the insured's",
    help_zh="家庭共济：为参保人缴费的职工与参保人的关系",
    help_en="family pooling: how the employee paying is related to the insured",
    values=(
        Word(code="spouse", name_zh="配偶", name_en="spouse"),
        Word(code="parent", name_zh="父母", name_en="parent"),
        Word(code="child", name_zh="子女", name_en="child"),
        Word(code="sibling", name_zh="兄弟姐妹", name_en="sibling"),
        Word(code="grandparent", name_zh="祖父母", name_en="paternal grandparent"),
        Word(code="maternal_grandparent", name_zh="外祖父母", name_en="maternal grandparent"),
        Word(code="grandchild", name_zh="孙子女", name_en="son's child"),
        Word(code="maternal_grandchild", name_zh="外孙子女", name_en="daughter's child"),
        Word(code="other", name_zh="其他亲属", name_en="another relative"),
    ),
)

ACCOUNT_PROVINCE = Fact(
    name="account_province",
    on="enrollment",
    type="text",
    label_zh="共济账户所在省份",
    label_en="province of the relative's account",
    help_zh="家庭共济：如 jiangsu、hebei；不填按本省",
    help_en="family pooling: e.g. jiangsu, hebei; empty: this province",
)

FAMILY_POOLING = (PAID_BY, ACCOUNT_HOLDER, ACCOUNT_PROVINCE)
"""Who pays the person's share over: the collector (四) or a relative's account (六)."""

FILING = (
    Fact(
        name="filed_before_admission",
        on="claim",
        type="flag",
        label_zh="入院前已办理异地就医备案",
        label_en="out-of-area care filed before admission",
        help_zh="京津冀外住院须先备案（十二）",
        help_en="care outside Beijing–Tianjin–Hebei must be filed first (十二)",
    ),
    Fact(
        name="emergency_filed_after_days",
        on="claim",
        type="integer",
        minimum=0,
        maximum=366,
        label_zh="急诊先行住院后第几日备案",
        label_en="days after an emergency admission the filing was made",
        help_zh="因病情紧急先行住院的，自入院之日起10日内备案（十二）",
        help_en="an emergency admission is filed within 10 days (十二)",
    ),
)

FACTS = (*FILING, *FAMILY_POOLING)

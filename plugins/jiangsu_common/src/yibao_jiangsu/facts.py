"""Facts the Jiangsu layer's rules read, declared by every Jiangsu city that stacks on it.

A layer is not a region, so it cannot declare facts itself: each city lists these in its
``RegionInfo.facts`` (the same declarations, so two cities never disagree).
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
"""The facts of who pays the person's share (二.1, 二.2); 昌黎 declares the same three."""

RECOGNISED_IN = Fact(
    name="assistance_recognised_in",
    on="person",
    type="text",
    label_zh="资助参保认定地",
    label_en="where recognised for subsidised enrolment",
    help_zh="被认定为资助参保救助对象的学生可以选择参加认定地居民医保（江苏 二.1）；填地区代码",
    help_en="a student recognised for subsidised enrolment may enrol where recognised "
    "(Jiangsu 二.1); a region code",
)

JIANGSU_FACTS = (*FAMILY_POOLING, RECOGNISED_IN)
"""Every fact the Jiangsu layer reads."""

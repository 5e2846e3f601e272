"""Masks and the ID number's check digit (GB 11643-1999, ISO 7064 MOD 11-2)."""
import pytest

from assistant.privacy import check_digit, check_id_number, mask_id, mask_name, mask_phone


def test_the_standards_own_example_number_is_valid():
    # GB 11643-1999 附录 example: 11010519491231002X.
    # Σ digit×weight = 1×7+1×9+0×10+1×5+0×8+5×4+1×2+9×1+4×6+9×3+1×7+2×9+3×10+1×5+0×8+0×4+2×2 = 167;
    # 167 mod 11 = 2 → "10X98765432"[2] = X.
    assert check_digit("11010519491231002") == "X"
    assert check_id_number("11010519491231002X") is None
    assert check_id_number("11010519491231002x") is None  # a lower-case x is the same number
    assert check_id_number(" 110105 19491231 002X ") is None


@pytest.mark.parametrize("text, words", [
    ("110105194912310021", "校验位不符"),
    ("11010519491231002", "18位，这里是17位"),
    ("110105491231002", "15位的第一代"),
    ("1101051949123100AX", "前17位应为数字"),
    ("990105194912310021", "省份代码"),
    ("110105194902300021", "出生日期“19490230”不是有效日期"),
    ("", "空的"),
])
def test_a_wrong_number_says_what_is_wrong(text, words):
    message = check_id_number(text)
    assert message is not None and words in message


def test_masks_show_only_what_tells_people_apart():
    assert mask_id("150502198001011234") == "1505**********1234"
    assert mask_id("11010519491231002x") == "1101**********002X"
    assert mask_id("1234") == "****"
    assert mask_id(None) == ""
    assert mask_phone("13812345678") == "138****5678"
    assert mask_phone("138 1234 5678") == "138****5678"
    assert mask_phone("12345") == "***45"
    assert mask_name("张三明") == "张*明"
    assert mask_name("张三") == "张*"
    assert mask_name("欧阳小锋") == "欧**锋"
    assert mask_name("张") == "张"

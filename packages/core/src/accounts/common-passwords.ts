/**
 * Passwords of ten characters or more that top the public breach-frequency lists (SecLists'
 * most-common lists, NCSC's top 100k). Shorter ones are refused by the length rule already.
 * Compared case-insensitively.
 */
const COMMON = `1234567890 0123456789 0987654321 9876543210 1234567891 1111111111 0000000000
1q2w3e4r5t 1q2w3e4r5t6y qwertyuiop qwertyuiop1 qwerty1234 qwerty12345 qwerty123456 asdfghjkl1
asdfghjkl; zxcvbnm123 password12 password123 password1234 password12345 password01 passw0rd123
p@ssword123 p@ssw0rd123 iloveyou12 iloveyou123 iloveyou1234 1qaz2wsx3edc 1qaz2wsx3edc4rfv
qazwsxedcrfv qazwsxedc123 zaq12wsxcde 123qweasdzxc 1234qwerasdf qwer1234asdf abcd123456 abc1234567
abcdefghij abcdefghijk abcdefg123 aaaaaaaaaa a1b2c3d4e5 letmein123 welcome123 welcome1234
welcome2024 welcome2025 welcome2026 changeme123 administrator admin12345 admin123456 adminadmin
football123 baseball123 basketball sunshine123 princess123 starwars123 superman123 batman1234
monkey12345 dragon12345 master12345 shadow12345 michael123 jennifer123 trustno1234 whatever123
computer123 internet123 samsung123 nigeria123 nigeria1234 lagos12345 lagosnigeria 12345678910
123456789a 123456789q 123456789z a123456789 q123456789 1234567890q 987654321a 11223344556
1122334455 1212121212 1231231234 1234512345 1234554321 0102030405 5555555555 7777777777
8888888888 9999999999 6666666666 2222222222 3333333333 4444444444 12341234123 123123123123
qwertyqwerty passwordpassword iloveyoubaby loveyou1234 mypassword1 mypassword123 secret1234
secret12345 freedom1234 chocolate1 chocolate123 butterfly1 butterfly123 sunflower1 pokemon1234
liverpool1 liverpool123 chelsea123 arsenal123 manchester manchesterunited barcelona1
football1 blessing123 godisgood godisgood1 jesuschrist jesus12345 godbless123 testing123 test123456
kloset12345 klosetstore`

const COMMON_SET = new Set(COMMON.split(/\s+/).filter(Boolean))

/** True when the password is one of the most common ones (case-insensitive). */
export function isCommonPassword(password: string): boolean {
  return COMMON_SET.has(password.toLowerCase())
}

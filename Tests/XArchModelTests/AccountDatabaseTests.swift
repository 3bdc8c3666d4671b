import Testing
import XArchModel

@Suite("account files of an image")
struct AccountDatabaseTests {
    static let passwd = """
        # comment
        root:x:0:0:root:/root:/bin/sh
        nobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin
        broken:x:notanumber:1::/:
        short:x:7
        app:x:1000:1000::/home/app
        """
    static let group = "root:x:0:\nstaff:x:50:app,nobody\nusers:x:100:app\nbad:x:z:app\n"

    @Test func usersAreReadWithTheirIdsAndHome() {
        let users = AccountDatabase.users(Self.passwd)
        #expect(users.map(\.name) == ["root", "nobody", "app"], "comments, bad ids and short lines are skipped")
        #expect(users[1].uid == 65534 && users[1].gid == 65534 && users[1].home == "/nonexistent")
        #expect(users[2].home == "/home/app")
    }

    @Test func groupsAreReadWithTheirMembers() {
        let groups = AccountDatabase.groups(Self.group)
        #expect(groups.map(\.name) == ["root", "staff", "users"])
        #expect(groups[0].members.isEmpty && groups[1].members == ["app", "nobody"] && groups[2].gid == 100)
    }
}

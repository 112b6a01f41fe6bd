package modrelay.loadtests.bench;

import modrelay.loadtests.fakes.FakeTms;

/** Prints the fake TMS's fixed credentials ({@code id} or {@code key}) for scripts that start a relay against it. */
public final class FakeTmsCredentials {
    private FakeTmsCredentials() {}

    public static void main(String[] args) {
        String which = args.length > 0 ? args[0] : "id";
        System.out.println(which.equals("key") ? FakeTms.SECRET_KEY : FakeTms.SECRET_ID);
    }
}

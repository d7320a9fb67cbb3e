import Testing
@testable import ContamApps

@Suite struct HTTPServerConfigurationTests {
    @Test func constantTimeCompareAgreesWithEquality() {
        let samples: [[UInt8]] = [[], [0], [1], [0, 0], Array("secret".utf8), Array("secreT".utf8), Array("secret!".utf8), Array("s".utf8)]
        for a in samples {
            for b in samples {
                #expect(BearerToken.constantTimeEqual(a, b) == (a == b))
            }
        }
    }

    @Test func bearerHeaderIsChecked() {
        let token = BearerToken("abc")
        #expect(token.accepts(authorization: "Bearer abc"))
        #expect(!token.accepts(authorization: "Bearer abd"))
        #expect(!token.accepts(authorization: "Bearer ab"))
        #expect(!token.accepts(authorization: "Basic abc"))
        #expect(!token.accepts(authorization: nil))
    }

    @Test func endpointLabelCollapsesNumericSegments() {
        let label = HTTPServerConfiguration.numericSegmentsCollapsed
        #expect(label("/v1/doc/42") == "/v1/doc/{n}")
        #expect(label("/v1/count") == "/v1/count")
        #expect(label("/") == "/")
    }
}

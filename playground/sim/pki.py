"""The cluster's certificates as `minikube start` leaves them in ~/.minikube: the CA (CN=minikubeCA) that
kube-root-ca.crt publishes into every namespace and that signs the API server's serving certificate (SANs
10.96.0.1, 192.168.49.2, kubernetes.default.svc.cluster.local, ...; minikube's pkg/minikube/bootstrapper/
certs.go). Public certificates only: no private key exists anywhere in the playground."""

CA_CRT = """-----BEGIN CERTIFICATE-----
MIIDCDCCAfCgAwIBAgIBATANBgkqhkiG9w0BAQsFADAVMRMwEQYDVQQDDAptaW5p
a3ViZUNBMB4XDTI2MTIwNjA1MTk1NFoXDTM2MTIwMzA1MTk1NFowFTETMBEGA1UE
AwwKbWluaWt1YmVDQTCCASIwDQYJKoZIhvcNAQEBBQADggEPADCCAQoCggEBAPN4
yJwvWX/IUXN508J1NlIdDGmIwpuzPOfJfkcKhd1+0D1fl99h3/71ElhsbApCipxZ
FbsRPYrETWk/QtPWB8rZxtdalMngHN2nwYr7clFb6FAT+Eut+/Wj3zeYIl2lhc/R
SpFMU5weXSErFT1YhMnQzTgoKg56+fin0Ch32KRF1/XlZJw5lFf+8zUbDAaJdIxI
yxcFrdDQ3KwhBIRxpJoPKj3GdNNBCkHNKQ3txfm7dEk9yVCidF/gph2z1CSIV80x
ZF05UFI2wBMV3OA/6Sv4825bF2QYl0dXdV0z+XFhjI5ticAdn9kHESqE8kp3AIFY
Xvp/Lwa/H3/9TSWmosECAwEAAaNjMGEwHQYDVR0OBBYEFDwlvsLDvZifFQUCrxkT
Z5v0zIPzMB8GA1UdIwQYMBaAFDwlvsLDvZifFQUCrxkTZ5v0zIPzMA8GA1UdEwEB
/wQFMAMBAf8wDgYDVR0PAQH/BAQDAgKkMA0GCSqGSIb3DQEBCwUAA4IBAQC1rZTL
//HqZyH9Z2kwaWGpy32B3S0Cj3ODIaEJwvZP5jlXTJfLNINhs9PiGK3qJPXBRt2p
oquxKw8qVh+LRCB+QKDLmN+Ni34Y5sNGuTAbjwEY98tEtNg7Qddha0iUVu+IfB/2
NHfrBcS6m9gClAn6oDrvBj/bq2bQe1VOjTGWDe78oaEghKPTMeZ0TE2iS/FyJ0wT
f6hpwcVGnAbaDBvUYxZhNoLEs2MirztzvY2mBcA2x/SJldovoUSV9GHD5vZrrFFp
ebsoWBMYJJw3FEnTrqyxwVgfMvXM19nbrR1oNgAFBGyIThfOR5pb8UKRHyMUHl3s
N78570MLzb5xepq7
-----END CERTIFICATE-----
"""

APISERVER_CRT = """-----BEGIN CERTIFICATE-----
MIID7TCCAtWgAwIBAgIBAjANBgkqhkiG9w0BAQsFADAVMRMwEQYDVQQDDAptaW5p
a3ViZUNBMB4XDTI2MTIwNjA1MTk1OVoXDTI5MTIwNTA1MTk1OVowLDEXMBUGA1UE
CgwOc3lzdGVtOm1hc3RlcnMxETAPBgNVBAMMCG1pbmlrdWJlMIIBIjANBgkqhkiG
9w0BAQEFAAOCAQ8AMIIBCgKCAQEAnz+fL46m2JM9w0FLhZavFN/2pMRFCsxBtjJY
1n5SpmLzin6p8mIp/FWC8d2QsiONR8IbNXzg0orbM9Dahsx9zMdaaCBKZdGB0YL7
yYm25CpOMMJ+B/FHiN5vVZReQFXXllazg0dP7xRIVXg45a8M7s1ZA/+FebHU3RIP
zVHBnsDUMiTeA326qB4Z1adTAX451u7tu/QR2BKLSTtig7U1seR1Bwp+b2enLdvB
OaIVwTCNgKbcOPG9QLV7E4unaKWFp+H6j5Nc+DLFtvDMHHVAHDruL5G3tql0U9rn
LRH4hw3H/DuV/AHT8qPT/Y22LmAUZ3QO+hTmXApEmNhM/y0ePQIDAQABo4IBLzCC
ASswgbkGA1UdEQSBsTCBrocECmAAAYcEfwAAAYcECgAAAYcEwKgxAoIKbWluaWt1
YmVDQYIfY29udHJvbC1wbGFuZS5taW5pa3ViZS5pbnRlcm5hbIIka3ViZXJuZXRl
cy5kZWZhdWx0LnN2Yy5jbHVzdGVyLmxvY2FsghZrdWJlcm5ldGVzLmRlZmF1bHQu
c3ZjghJrdWJlcm5ldGVzLmRlZmF1bHSCCmt1YmVybmV0ZXOCCWxvY2FsaG9zdDAd
BgNVHSUEFjAUBggrBgEFBQcDAQYIKwYBBQUHAwIwDgYDVR0PAQH/BAQDAgWgMB0G
A1UdDgQWBBTq0lfJT9gyot5cfALTbPhH4kjlvzAfBgNVHSMEGDAWgBQ8Jb7Cw72Y
nxUFAq8ZE2eb9MyD8zANBgkqhkiG9w0BAQsFAAOCAQEARYGkSkIYpuqdgbkL/uGf
5x6q41OBQWQBKu52IJX5GpachgTSEU1BtbDCHBXbWidJP97V+3bDkAxq0HjDPUbz
IrqpWQrDRQ0VZyiI8mmb6fgONmmtsWDmVjTXpaURetfILkTutKicnZHZoiBY5DZ8
mp2c6FKK4S31ffzE4+fEr05wMggW+63Lzjb4ycHoHqIVb/VRXKrM6aV0XSUFjy/Y
qOF9lAzbXOFVCDnAlyMOg8DD7h6P6k1gLo8Put8tQcH6du4cnGXBFqaxMUwIxnh+
mXF76WG4mu0nSh0q14ggFWDX2B+tLBUlXTdeSFI3nQhuIa1eR4itBuK3V8viAA/+
uw==
-----END CERTIFICATE-----
"""

# The names and addresses the API server's certificate is valid for (its subjectAltName).
APISERVER_SANS = ("10.96.0.1", "127.0.0.1", "10.0.0.1", "192.168.49.2", "minikubeCA",
                  "control-plane.minikube.internal", "kubernetes.default.svc.cluster.local", "kubernetes.default.svc",
                  "kubernetes.default", "kubernetes", "localhost")
